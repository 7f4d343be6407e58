import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import * as ensure from './ensure.operation';
import * as exportCaddyfile from './exportCaddyfile.operation';

export { ensure, exportCaddyfile };

export const description: INodeProperties[] = operationSelector(
	{ resource: ['server'] },
	[
		{
			name: 'Ensure',
			value: 'ensure',
			description: 'Create the HTTP server block (listeners, automatic HTTPS) when it is absent',
			action: 'Ensure a server',
		},
		{
			name: 'Export Caddyfile',
			value: 'exportCaddyfile',
			description: 'Render the managed routes as a readable Caddyfile',
			action: 'Export a caddyfile',
		},
	],
	[...ensure.description, ...exportCaddyfile.description],
);
