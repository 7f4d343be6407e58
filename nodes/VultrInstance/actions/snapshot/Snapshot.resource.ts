import { operationSelector } from '../../../../lib/descriptions';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as list from './list.operation';
import * as prune from './prune.operation';

export { create, del as delete, list, prune };

export const description = operationSelector(
	{ resource: ['snapshot'] },
	[
		{
			name: 'Create',
			value: 'create',
			description: 'Snapshot an instance',
			action: 'Create a snapshot',
		},
		{
			name: 'Delete',
			value: 'delete',
			description: 'Delete a snapshot',
			action: 'Delete a snapshot',
		},
		{
			name: 'Get Many',
			value: 'list',
			description: 'List snapshots, optionally by description prefix',
			action: 'Get many snapshots',
		},
		{
			name: 'Prune',
			value: 'prune',
			description: 'Keep only the newest N snapshots with a description prefix',
			action: 'Prune snapshots',
		},
	],
	[...create.description, ...del.description, ...list.description, ...prune.description],
);
