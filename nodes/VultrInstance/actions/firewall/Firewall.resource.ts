import { operationSelector } from '../../../../lib/descriptions';
import * as del from './delete.operation';
import * as ensure from './ensure.operation';
import * as list from './list.operation';

export { del as delete, ensure, list };

export const description = operationSelector(
	{ resource: ['firewall'] },
	[
		{
			name: 'Ensure',
			value: 'ensure',
			description: 'Make a managed group hold exactly these rules',
			action: 'Ensure a firewall group',
		},
		{
			name: 'Delete',
			value: 'delete',
			description: 'Delete a managed firewall group',
			action: 'Delete a firewall group',
		},
		{
			name: 'Get Many',
			value: 'list',
			description: 'List firewall groups',
			action: 'Get many firewall groups',
		},
	],
	[...ensure.description, ...del.description],
);
