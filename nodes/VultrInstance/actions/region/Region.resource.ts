import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as list from './list.operation';

export const operations: Operations = {
	list: operation(list, {
		name: 'Get Many',
		description: 'List Vultr regions',
		action: 'Get many regions',
	}),
};

export const description = operationSelector({ resource: ['region'] }, operations);
