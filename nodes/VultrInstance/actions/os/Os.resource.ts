import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as list from './list.operation';

export const operations: Operations = {
	list: operation(list, {
		name: 'Get Many',
		description: 'List operating systems',
		action: 'Get many operating systems',
	}),
};

export const description = operationSelector({ resource: ['os'] }, operations);
