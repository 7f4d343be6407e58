import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { parseId } from '../../helpers/inputs';
import { tailscaleRequest, tailscaleSettings } from '../../transport';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { tailnet } = await tailscaleSettings.call(this);
	return await mapItems.call(this, async (i) => {
		const id = parseId('Key ID', this.getNodeParameter('id', i));
		await tailscaleRequest.call(this, 'DELETE', `/tailnet/${tailnet}/keys/${id}`);
		return { id, deleted: true };
	});
}
