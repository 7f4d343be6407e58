import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as authorize from './authorize.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as resolveAddress from './resolveAddress.operation';
import * as setTags from './setTags.operation';

export const operations: Operations = {
	list: operation(list, {
		name: 'Get Many',
		description: 'List devices',
		action: 'Get many devices',
	}),
	get: operation(get, { name: 'Get', description: 'Read a device', action: 'Get a device' }),
	authorize: operation(authorize, {
		name: 'Authorize',
		description: 'Approve a device',
		action: 'Authorize a device',
	}),
	setTags: operation(setTags, {
		name: 'Set Tags',
		description: 'Replace the tags of a device',
		action: 'Set device tags',
	}),
	resolveAddress: operation(resolveAddress, {
		name: 'Resolve Address',
		description: 'Hostname to tunnel IP',
		action: 'Resolve a device address',
	}),
	delete: operation(del, {
		name: 'Delete',
		description: 'Remove a device',
		action: 'Delete a device',
	}),
};

export const description = operationSelector(
	{ backend: ['tailscale'], resource: ['device'] },
	operations,
);
