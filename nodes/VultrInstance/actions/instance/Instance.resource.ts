import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as halt from './halt.operation';
import * as list from './list.operation';
import * as reboot from './reboot.operation';
import * as start from './start.operation';
import * as waitUntilReady from './waitUntilReady.operation';

export const operations: Operations = {
	create: operation(create, {
		name: 'Create',
		description: 'Create an instance, or return the managed one with the same label',
		action: 'Create an instance',
	}),
	get: operation(get, { name: 'Get', description: 'Read one instance', action: 'Get an instance' }),
	list: operation(list, {
		name: 'Get Many',
		description: 'List instances, all pages',
		action: 'Get many instances',
	}),
	delete: operation(del, {
		name: 'Delete',
		description: 'Destroy a managed instance',
		action: 'Delete an instance',
	}),
	start: operation(start, {
		name: 'Start',
		description: 'Power an instance on',
		action: 'Start an instance',
	}),
	halt: operation(halt, {
		name: 'Halt',
		description: 'Power an instance off',
		action: 'Halt an instance',
	}),
	reboot: operation(reboot, {
		name: 'Reboot',
		description: 'Reboot an instance',
		action: 'Reboot an instance',
	}),
	waitUntilReady: operation(waitUntilReady, {
		name: 'Wait Until Ready',
		description: 'Wait until the instance is active, running and ok',
		action: 'Wait until an instance is ready',
	}),
};

export const description: INodeProperties[] = operationSelector(
	{ resource: ['instance'] },
	operations,
);
