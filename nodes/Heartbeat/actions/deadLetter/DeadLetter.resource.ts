import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import * as list from './list.operation';
import * as purge from './purge.operation';
import * as replay from './replay.operation';

export { list, purge, replay };

export const description: INodeProperties[] = operationSelector(
	{ resource: ['deadLetter'] },
	[
		{
			name: 'List',
			value: 'list',
			description: 'Requests that failed all their attempts',
			action: 'List dead letters',
		},
		{
			name: 'Purge',
			value: 'purge',
			description: 'Delete dead letters for good',
			action: 'Purge dead letters',
		},
		{
			name: 'Replay',
			value: 'replay',
			description: 'Queue dead letters again for the next drain',
			action: 'Replay dead letters',
		},
	],
	[...list.description, ...replay.description, ...purge.description],
);
