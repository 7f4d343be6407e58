import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';

export const operations: Operations = {
	list: operation(list, { name: 'Get Many', description: 'List nodes', action: 'Get many nodes' }),
	get: operation(get, { name: 'Get', description: 'Read a node', action: 'Get a node' }),
	delete: operation(del, { name: 'Delete', description: 'Remove a node', action: 'Delete a node' }),
};

export const description = operationSelector(
	{ backend: ['headscale'], resource: ['node'] },
	operations,
);
