import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { tailscaleList, tailscaleSettings } from '../../transport';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { tailnet } = await tailscaleSettings.call(this);
	return await mapItems.call(
		this,
		async () => await tailscaleList.call(this, `/tailnet/${tailnet}/keys`, 'keys'),
	);
}
