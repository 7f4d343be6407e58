import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { withLeadingField } from '../../lib/leadingField';
import { adminAccessFields, serverField } from './actions/common.descriptions';
import * as route from './actions/route/Route.resource';
import { router } from './actions/router';
import * as server from './actions/server/Server.resource';
import { sshSetupConnectionTest } from '../../lib/ssh-credential-test';
import { listSearch } from './methods';
import { closeAdminTunnel } from './transport/adminAccess';

export class CaddyRoute implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Caddy Route',
		name: 'caddyRoute',
		icon: { light: 'file:caddy.svg', dark: 'file:caddy.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Publish reverse-proxy routes in Caddy through its admin API',
		defaults: { name: 'Caddy Route' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'caddyAdminApi', required: true },
			{
				name: 'homelabSshApi',
				required: true,
				testedBy: 'sshSetupConnectionTest',
				displayOptions: { show: { adminAccess: ['ssh'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Route', value: 'route' },
					{ name: 'Server', value: 'server' },
				],
				default: 'route',
			},
			...withLeadingField([route.description, server.description], {
				...serverField,
				displayOptions: {
					show: {
						operation: [
							'upsert',
							'delete',
							'get',
							'list',
							'sync',
							'verify',
							'health',
							'exportCaddyfile',
						],
					},
				},
			}),
			...adminAccessFields,
		],
	};

	methods = { listSearch, credentialTest: { sshSetupConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			return await router.call(this);
		} finally {
			await closeAdminTunnel(this);
		}
	}
}
