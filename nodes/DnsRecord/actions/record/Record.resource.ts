import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as sync from './sync.operation';
import * as upsert from './upsert.operation';
import * as verify from './verify.operation';

export const operations: Operations = {
	upsert: operation(upsert, {
		name: 'Create or Update',
		description: 'Create a new record, or update the current one if it already exists (upsert)',
		action: 'Create or update a record',
	}),
	delete: operation(del, {
		name: 'Delete',
		description: "Remove this owner's records at a name; other records stay",
		action: 'Delete a record',
	}),
	get: operation(get, {
		name: 'Get',
		description: 'Read the records at one name',
		action: 'Get a record',
	}),
	list: operation(list, {
		name: 'List',
		description: 'List the records of the zone, optionally filtered',
		action: 'List records',
	}),
	sync: operation(sync, {
		name: 'Sync',
		description: "Make this owner's records exactly the desired list, with a dry-run diff",
		action: 'Sync records',
	}),
	verify: operation(verify, {
		name: 'Verify',
		description: 'Ask a DNS server until it answers with the expected records',
		action: 'Verify a record in DNS',
	}),
};

export const description: INodeProperties[] = operationSelector(
	{ resource: ['record'] },
	operations,
);
