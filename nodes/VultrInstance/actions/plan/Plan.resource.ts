import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as list from './list.operation';

export const operations: Operations = {
	list: operation(list, {
		name: 'Get Many',
		description: 'List plans with cost and size',
		action: 'Get many plans',
	}),
};

export const description = operationSelector({ resource: ['plan'] }, operations);
