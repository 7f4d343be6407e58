import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as create from './create.operation';
import * as expire from './expire.operation';
import * as list from './list.operation';
import { apiLevelField } from './shared';

export const operations: Operations = {
	create: operation(create, {
		name: 'Create',
		description: 'Create a pre-auth key',
		action: 'Create a pre-auth key',
	}),
	list: operation(list, {
		name: 'Get Many',
		description: 'List pre-auth keys',
		action: 'Get many pre-auth keys',
	}),
	expire: operation(expire, {
		name: 'Expire',
		description: 'Expire a pre-auth key',
		action: 'Expire a pre-auth key',
	}),
};

export const description = operationSelector(
	{ backend: ['headscale'], resource: ['preAuthKey'] },
	operations,
	{ fields: [apiLevelField] },
);
