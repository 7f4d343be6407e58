import { operationSelector } from '../../../../lib/descriptions';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';

export { del as delete, get, list };

export const description = operationSelector(
	{ backend: ['headscale'], resource: ['node'] },
	[
		{ name: 'Delete', value: 'delete', description: 'Remove a node', action: 'Delete a node' },
		{ name: 'Get', value: 'get', description: 'Read a node', action: 'Get a node' },
		{ name: 'Get Many', value: 'list', description: 'List nodes', action: 'Get many nodes' },
	],
	[...list.description, ...get.description],
);
