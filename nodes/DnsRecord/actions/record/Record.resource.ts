import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as sync from './sync.operation';
import * as upsert from './upsert.operation';
import * as verify from './verify.operation';

export { del as delete, get, list, sync, upsert, verify };

export const description: INodeProperties[] = operationSelector(
	{ resource: ['record'] },
	[
		{
			name: 'Create or Update',
			value: 'upsert',
			description: 'Create a new record, or update the current one if it already exists (upsert)',
			action: 'Create or update a record',
		},
		{
			name: 'Delete',
			value: 'delete',
			description: "Remove this owner's records at a name; other records stay",
			action: 'Delete a record',
		},
		{
			name: 'Get',
			value: 'get',
			description: 'Read the records at one name',
			action: 'Get a record',
		},
		{
			name: 'List',
			value: 'list',
			description: 'List the records of the zone, optionally filtered',
			action: 'List records',
		},
		{
			name: 'Sync',
			value: 'sync',
			description: "Make this owner's records exactly the desired list, with a dry-run diff",
			action: 'Sync records',
		},
		{
			name: 'Verify',
			value: 'verify',
			description: 'Ask a DNS server until it answers with the expected records',
			action: 'Verify a record in DNS',
		},
	],
	[
		...upsert.description,
		...del.description,
		...get.description,
		...list.description,
		...sync.description,
		...verify.description,
	],
);
