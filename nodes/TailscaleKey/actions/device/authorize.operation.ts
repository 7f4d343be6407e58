import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { tailscaleRequest } from '../../transport';
import { deviceIdAt } from './shared';

export const description: INodeProperties[] = [];

/** Approves a device; repeating it is harmless, so it is retried like a read. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const id = deviceIdAt.call(this, i);
		await tailscaleRequest.call(this, 'POST', `/device/${id}/authorized`, {
			body: { authorized: true },
			safe: true,
		});
		return { id, authorized: true };
	});
}
