import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as list from './list.operation';
import * as prune from './prune.operation';

export const operations: Operations = {
	create: operation(create, {
		name: 'Create',
		description: 'Snapshot an instance',
		action: 'Create a snapshot',
	}),
	delete: operation(del, {
		name: 'Delete',
		description: 'Delete a snapshot',
		action: 'Delete a snapshot',
	}),
	list: operation(list, {
		name: 'Get Many',
		description: 'List snapshots, optionally by description prefix',
		action: 'Get many snapshots',
	}),
	prune: operation(prune, {
		name: 'Prune',
		description: 'Keep only the newest N snapshots with a description prefix',
		action: 'Prune snapshots',
	}),
};

export const description = operationSelector({ resource: ['snapshot'] }, operations);
