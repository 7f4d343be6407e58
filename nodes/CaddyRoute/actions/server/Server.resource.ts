import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import * as ensure from './ensure.operation';
import * as exportCaddyfile from './exportCaddyfile.operation';

export const operations: Operations = {
	ensure: operation(ensure, {
		name: 'Ensure',
		description: 'Create the HTTP server block (listeners, automatic HTTPS) when it is absent',
		action: 'Ensure a server',
	}),
	exportCaddyfile: operation(exportCaddyfile, {
		name: 'Export Caddyfile',
		description: 'Render the managed routes as a readable Caddyfile',
		action: 'Export a caddyfile',
	}),
};

export const description: INodeProperties[] = operationSelector(
	{ resource: ['server'] },
	operations,
);
