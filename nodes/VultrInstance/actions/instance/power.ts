import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { vultrRequest } from '../../transport';
import { instanceIdAt } from './shared';

/** Start, halt and reboot are idempotent on Vultr's side, so they are retried like reads. */
export function powerAction(action: 'start' | 'halt' | 'reboot') {
	return async function (this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		return await mapItems.call(this, async (i) => {
			const id = instanceIdAt.call(this, i);
			await vultrRequest.call(this, 'POST', `/instances/${id}/${action}`, { safe: true });
			return { id, action, done: true };
		});
	};
}
