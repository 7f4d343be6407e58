import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as del from './delete.operation';
import * as ensure from './ensure.operation';
import * as list from './list.operation';

export const operations: Operations = {
	ensure: operation(ensure, {
		name: 'Ensure',
		description: 'Make a managed group hold exactly these rules',
		action: 'Ensure a firewall group',
	}),
	delete: operation(del, {
		name: 'Delete',
		description: 'Delete a managed firewall group',
		action: 'Delete a firewall group',
	}),
	list: operation(list, {
		name: 'Get Many',
		description: 'List firewall groups',
		action: 'Get many firewall groups',
	}),
};

// Ensure, the everyday operation, comes first.
export const description = operationSelector({ resource: ['firewall'] }, operations, {
	order: 'asListed',
});
