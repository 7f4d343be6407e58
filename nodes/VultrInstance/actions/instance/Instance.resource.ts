import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as halt from './halt.operation';
import * as list from './list.operation';
import * as reboot from './reboot.operation';
import * as start from './start.operation';
import * as waitUntilReady from './waitUntilReady.operation';

export { create, del as delete, get, halt, list, reboot, start, waitUntilReady };

export const description: INodeProperties[] = operationSelector(
	{ resource: ['instance'] },
	[
		{
			name: 'Create',
			value: 'create',
			description: 'Create an instance, or return the managed one with the same label',
			action: 'Create an instance',
		},
		{
			name: 'Delete',
			value: 'delete',
			description: 'Destroy a managed instance',
			action: 'Delete an instance',
		},
		{ name: 'Get', value: 'get', description: 'Read one instance', action: 'Get an instance' },
		{
			name: 'Get Many',
			value: 'list',
			description: 'List instances, all pages',
			action: 'Get many instances',
		},
		{
			name: 'Halt',
			value: 'halt',
			description: 'Power an instance off',
			action: 'Halt an instance',
		},
		{
			name: 'Reboot',
			value: 'reboot',
			description: 'Reboot an instance',
			action: 'Reboot an instance',
		},
		{
			name: 'Start',
			value: 'start',
			description: 'Power an instance on',
			action: 'Start an instance',
		},
		{
			name: 'Wait Until Ready',
			value: 'waitUntilReady',
			description: 'Wait until the instance is active, running and ok',
			action: 'Wait until an instance is ready',
		},
	],
	[
		...create.description,
		...get.description,
		...list.description,
		...del.description,
		...start.description,
		...halt.description,
		...reboot.description,
		...waitUntilReady.description,
	],
);
