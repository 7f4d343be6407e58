import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as authKey from './actions/authKey/AuthKey.resource';
import * as device from './actions/device/Device.resource';
import * as node from './actions/headscaleNode/HeadscaleNode.resource';
import * as preAuthKey from './actions/preAuthKey/PreAuthKey.resource';
import { router } from './actions/router';

export class TailscaleKey implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tailscale Key',
		name: 'tailscaleKey',
		icon: { light: 'file:tailscale.svg', dark: 'file:tailscale.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{$parameter["backend"] + " " + $parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Mint auth keys and manage devices on Tailscale or a self-hosted Headscale',
		defaults: { name: 'Tailscale Key' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// The auth key is the product of Create: it is output, but n8n redacts it in stored executions.
		sensitiveOutputFields: ['key'],
		credentials: [
			{
				name: 'tailscaleApi',
				required: true,
				displayOptions: { show: { backend: ['tailscale'] } },
			},
			{
				name: 'headscaleApi',
				required: true,
				displayOptions: { show: { backend: ['headscale'] } },
			},
		],
		properties: [
			{
				displayName: 'Backend',
				name: 'backend',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Tailscale', value: 'tailscale' },
					{ name: 'Headscale', value: 'headscale' },
				],
				default: 'tailscale',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { backend: ['tailscale'] } },
				options: [
					{ name: 'Auth Key', value: 'authKey' },
					{ name: 'Device', value: 'device' },
				],
				default: 'authKey',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { backend: ['headscale'] } },
				options: [
					{ name: 'Pre-Auth Key', value: 'preAuthKey' },
					{ name: 'Node', value: 'node' },
				],
				default: 'preAuthKey',
			},
			...authKey.description,
			...device.description,
			...preAuthKey.description,
			...node.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
