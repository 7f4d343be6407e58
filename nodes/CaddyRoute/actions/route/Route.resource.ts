import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as health from './health.operation';
import * as list from './list.operation';
import * as sync from './sync.operation';
import * as upsert from './upsert.operation';
import * as verify from './verify.operation';

export const operations: Operations = {
	upsert: operation(upsert, {
		name: 'Create or Update',
		description: 'Create a new record, or update the current one if it already exists (upsert)',
		action: 'Create or update a route',
	}),
	delete: operation(del, {
		name: 'Delete',
		description: 'Remove a managed route by its host name',
		action: 'Delete a route',
	}),
	get: operation(get, {
		name: 'Get',
		description: 'Read one managed route by its host name',
		action: 'Get a route',
	}),
	list: operation(list, {
		name: 'List',
		description: 'List the routes this package manages',
		action: 'List routes',
	}),
	verify: operation(verify, {
		name: 'Verify',
		description:
			'Request every managed host through the public HTTPS listener: status, certificate and days left, offline page',
		action: 'Verify routes from the public side',
	}),
	health: operation(health, {
		name: 'Health',
		description:
			"Caddy's view, per host, of every managed route's upstreams: healthy or not (active health check), requests and failures",
		action: 'Check the health of route upstreams',
	}),
	sync: operation(sync, {
		name: 'Sync',
		description: 'Make the managed routes exactly the desired list, in one config change',
		action: 'Sync routes',
	}),
};

export const description: INodeProperties[] = operationSelector(
	{ resource: ['route'] },
	operations,
);
