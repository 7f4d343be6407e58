import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as sync from './sync.operation';
import * as upsert from './upsert.operation';

export { del as delete, get, list, sync, upsert };

export const description: INodeProperties[] = operationSelector(
	{ resource: ['route'] },
	[
		{
			name: 'Create or Update',
			value: 'upsert',
			description: 'Create a new record, or update the current one if it already exists (upsert)',
			action: 'Create or update a route',
		},
		{
			name: 'Delete',
			value: 'delete',
			description: 'Remove a managed route by its host name',
			action: 'Delete a route',
		},
		{
			name: 'Get',
			value: 'get',
			description: 'Read one managed route by its host name',
			action: 'Get a route',
		},
		{
			name: 'List',
			value: 'list',
			description: 'List the routes this package manages',
			action: 'List routes',
		},
		{
			name: 'Sync',
			value: 'sync',
			description: 'Make the managed routes exactly the desired list, in one config change',
			action: 'Sync routes',
		},
	],
	[
		...upsert.description,
		...del.description,
		...get.description,
		...list.description,
		...sync.description,
	],
);
