import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../../../lib/execute';
import { selectOperation } from '../../../lib/router';
import { openStore } from '../storage/open';
import type { HeartbeatStore } from '../storage/types';
import * as deadLetter from './deadLetter/DeadLetter.resource';
import * as queue from './queue/Queue.resource';
import * as source from './source/Source.resource';

type Operation = {
	execute: (this: IExecuteFunctions, store: HeartbeatStore) => Promise<INodeExecutionData[]>;
};

const resources: Record<string, Record<string, Operation>> = {
	source: { recordBeat: source.recordBeat, check: source.check, status: source.status },
	queue: {
		forwardOrEnqueue: queue.forwardOrEnqueue,
		enqueue: queue.enqueue,
		drain: queue.drain,
		stats: queue.stats,
	},
	deadLetter: { list: deadLetter.list, replay: deadLetter.replay, purge: deadLetter.purge },
};

/** Runs the operation on the chosen store (kept open between executions, see openStore). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const handler = selectOperation(this, resources);
	let store: HeartbeatStore;
	try {
		store = await openStore.call(this);
	} catch (error) {
		throw await toNodeError.call(this, error);
	}
	return [await handler.execute.call(this, store)];
}
