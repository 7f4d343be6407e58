import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import type { HeartbeatStore } from '../../storage/types';
import * as drain from './drain.operation';
import * as enqueue from './enqueue.operation';
import * as forwardOrEnqueue from './forwardOrEnqueue.operation';
import * as stats from './stats.operation';

export const operations: Operations<[HeartbeatStore]> = {
	forwardOrEnqueue: operation(forwardOrEnqueue, {
		name: 'Forward or Enqueue',
		description: 'Send the request home now if it is online, otherwise store it',
		action: 'Forward or enqueue a request',
	}),
	enqueue: operation(enqueue, {
		name: 'Enqueue',
		description: 'Store a request for later delivery',
		action: 'Enqueue a request',
	}),
	drain: operation(drain, {
		name: 'Drain',
		description: 'Deliver queued requests to their sources, in order, with retries',
		action: 'Drain the queue',
	}),
	stats: operation(stats, {
		name: 'Queue Stats',
		description: 'Pending, dead and delivered counts per source',
		action: 'Get queue statistics',
	}),
};

export const description: INodeProperties[] = operationSelector(
	{ resource: ['queue'] },
	operations,
	{
		default: 'forwardOrEnqueue',
	},
);
