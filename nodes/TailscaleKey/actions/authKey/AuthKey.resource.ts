import { operationSelector } from '../../../../lib/descriptions';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';

export { create, del as delete, get, list };

export const description = operationSelector(
	{ backend: ['tailscale'], resource: ['authKey'] },
	[
		{
			name: 'Create',
			value: 'create',
			description: 'Mint an auth key for a device to join',
			action: 'Create an auth key',
		},
		{
			name: 'Delete',
			value: 'delete',
			description: 'Revoke an auth key',
			action: 'Delete an auth key',
		},
		{
			name: 'Get',
			value: 'get',
			description: 'Read an auth key (never its value)',
			action: 'Get an auth key',
		},
		{
			name: 'Get Many',
			value: 'list',
			description: 'List auth keys',
			action: 'Get many auth keys',
		},
	],
	[...create.description, ...get.description],
);
