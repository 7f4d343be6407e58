import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parsePathMatcher } from '../../helpers/routeInput';

/** Fields that address one managed route: its primary host name and, for path routes, the path. */
export function routeKeyFields(operation: string): INodeProperties[] {
	const displayOptions = { show: { resource: ['route'], operation: [operation] } };
	return [
		{
			displayName: 'Hostname',
			name: 'host',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'app.example.com',
			description: "The route's first (primary) host name",
			hint: 'The first host name the route was published with',
			displayOptions,
		},
		{
			displayName: 'Path',
			name: 'path',
			type: 'string',
			default: '',
			placeholder: '/api/*',
			description: 'Only for a route that was published with a path matcher',
			displayOptions,
		},
	];
}

export function routePathAt(this: IExecuteFunctions, itemIndex: number): string | undefined {
	return parsePathMatcher('Path', String(this.getNodeParameter('path', itemIndex, '')));
}
