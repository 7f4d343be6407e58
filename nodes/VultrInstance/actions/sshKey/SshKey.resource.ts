import { operationSelector } from '../../../../lib/descriptions';
import * as del from './delete.operation';
import * as ensure from './ensure.operation';
import * as list from './list.operation';

export { del as delete, ensure, list };

export const description = operationSelector(
	{ resource: ['sshKey'] },
	[
		{
			name: 'Ensure',
			value: 'ensure',
			description: 'Create the key by name, or update it; idempotent',
			action: 'Ensure an SSH key',
		},
		{
			name: 'Delete',
			value: 'delete',
			description: 'Delete an SSH key',
			action: 'Delete an SSH key',
		},
		{ name: 'Get Many', value: 'list', description: 'List SSH keys', action: 'Get many SSH keys' },
	],
	[...ensure.description, ...del.description],
);
