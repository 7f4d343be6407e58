import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { tailscaleRequest, tailscaleSettings } from '../../transport';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { tailnet } = await tailscaleSettings.call(this);
	return await mapItems.call(this, async () => {
		const { keys = [] } = (await tailscaleRequest.call(
			this,
			'GET',
			`/tailnet/${tailnet}/keys`,
		)) as { keys?: IDataObject[] };
		return keys;
	});
}
