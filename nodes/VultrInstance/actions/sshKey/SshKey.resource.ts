import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as del from './delete.operation';
import * as ensure from './ensure.operation';
import * as list from './list.operation';

export const operations: Operations = {
	ensure: operation(ensure, {
		name: 'Ensure',
		description: 'Create the key by name, or update it; idempotent',
		action: 'Ensure an SSH key',
	}),
	delete: operation(del, {
		name: 'Delete',
		description: 'Delete an SSH key',
		action: 'Delete an SSH key',
	}),
	list: operation(list, {
		name: 'Get Many',
		description: 'List SSH keys',
		action: 'Get many SSH keys',
	}),
};

// Ensure, the everyday operation, comes first.
export const description = operationSelector({ resource: ['sshKey'] }, operations, {
	order: 'asListed',
});
