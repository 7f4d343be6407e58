import { operationSelector } from '../../../../lib/descriptions';
import * as authorize from './authorize.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as resolveAddress from './resolveAddress.operation';
import * as setTags from './setTags.operation';

export { authorize, del as delete, get, list, resolveAddress, setTags };

export const description = operationSelector(
	{ backend: ['tailscale'], resource: ['device'] },
	[
		{
			name: 'Authorize',
			value: 'authorize',
			description: 'Approve a device',
			action: 'Authorize a device',
		},
		{ name: 'Delete', value: 'delete', description: 'Remove a device', action: 'Delete a device' },
		{ name: 'Get', value: 'get', description: 'Read a device', action: 'Get a device' },
		{ name: 'Get Many', value: 'list', description: 'List devices', action: 'Get many devices' },
		{
			name: 'Resolve Address',
			value: 'resolveAddress',
			description: 'Hostname to tunnel IP',
			action: 'Resolve a device address',
		},
		{
			name: 'Set Tags',
			value: 'setTags',
			description: 'Replace the tags of a device',
			action: 'Set device tags',
		},
	],
	[...list.description, ...get.description, ...setTags.description, ...resolveAddress.description],
);
