import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import type { HeartbeatStore } from '../../storage/types';
import * as list from './list.operation';
import * as purge from './purge.operation';
import * as replay from './replay.operation';

export const operations: Operations<[HeartbeatStore]> = {
	list: operation(list, {
		name: 'List',
		description: 'Requests that failed all their attempts',
		action: 'List dead letters',
	}),
	replay: operation(replay, {
		name: 'Replay',
		description: 'Queue dead letters again for the next drain',
		action: 'Replay dead letters',
	}),
	purge: operation(purge, {
		name: 'Purge',
		description: 'Delete dead letters for good',
		action: 'Purge dead letters',
	}),
};

export const description: INodeProperties[] = operationSelector(
	{ resource: ['deadLetter'] },
	operations,
);
