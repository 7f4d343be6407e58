import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import * as drain from './drain.operation';
import * as enqueue from './enqueue.operation';
import * as forwardOrEnqueue from './forwardOrEnqueue.operation';
import * as stats from './stats.operation';

export { drain, enqueue, forwardOrEnqueue, stats };

export const description: INodeProperties[] = operationSelector(
	{ resource: ['queue'] },
	[
		{
			name: 'Drain',
			value: 'drain',
			description: 'Deliver queued requests to their sources, in order, with retries',
			action: 'Drain the queue',
		},
		{
			name: 'Enqueue',
			value: 'enqueue',
			description: 'Store a request for later delivery',
			action: 'Enqueue a request',
		},
		{
			name: 'Forward or Enqueue',
			value: 'forwardOrEnqueue',
			description: 'Send the request home now if it is online, otherwise store it',
			action: 'Forward or enqueue a request',
		},
		{
			name: 'Queue Stats',
			value: 'stats',
			description: 'Pending, dead and delivered counts per source',
			action: 'Get queue statistics',
		},
	],
	[
		...forwardOrEnqueue.description,
		...enqueue.description,
		...drain.description,
		...stats.description,
	],
	'forwardOrEnqueue',
);
