import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';

export const operations: Operations = {
	create: operation(create, {
		name: 'Create',
		description: 'Mint an auth key for a device to join',
		action: 'Create an auth key',
	}),
	delete: operation(del, {
		name: 'Delete',
		description: 'Revoke an auth key',
		action: 'Delete an auth key',
	}),
	get: operation(get, {
		name: 'Get',
		description: 'Read an auth key (never its value)',
		action: 'Get an auth key',
	}),
	list: operation(list, {
		name: 'Get Many',
		description: 'List auth keys',
		action: 'Get many auth keys',
	}),
};

export const description = operationSelector(
	{ backend: ['tailscale'], resource: ['authKey'] },
	operations,
);
