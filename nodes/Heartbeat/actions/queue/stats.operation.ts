import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { iso } from '../../helpers/output';
import { sourceFilterAt } from '../../helpers/parameters';
import type { HeartbeatStore } from '../../storage/types';
import { sourceFilterField } from '../common.descriptions';

export const description: INodeProperties[] = [
	{ ...sourceFilterField, displayOptions: { show: { resource: ['queue'], operation: ['stats'] } } },
];

export async function execute(
	this: IExecuteFunctions,
	store: HeartbeatStore,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) =>
		(await store.stats(sourceFilterAt.call(this, i))).map((stats) => ({
			...stats,
			oldestPendingAt: iso(stats.oldestPendingAt),
			nextAttemptAt: iso(stats.nextAttemptAt),
		})),
	);
}
