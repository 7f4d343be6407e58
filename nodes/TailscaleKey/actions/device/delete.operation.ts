import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { tailscaleRequest } from '../../transport';
import { deviceIdAt } from './shared';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const id = deviceIdAt.call(this, i);
		await tailscaleRequest.call(this, 'DELETE', `/device/${id}`);
		return { id, deleted: true };
	});
}
