import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as firewall from './actions/firewall/Firewall.resource';
import * as instance from './actions/instance/Instance.resource';
import * as os from './actions/os/Os.resource';
import * as plan from './actions/plan/Plan.resource';
import * as region from './actions/region/Region.resource';
import { router } from './actions/router';
import * as snapshot from './actions/snapshot/Snapshot.resource';
import * as sshKey from './actions/sshKey/SshKey.resource';
import { loadOptions } from './methods';

export class VultrInstance implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vultr Instance',
		name: 'vultrInstance',
		icon: { light: 'file:vultr.svg', dark: 'file:vultr.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Buy, wait for, firewall and snapshot Vultr instances without ever buying twice',
		defaults: { name: 'Vultr Instance' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'vultrApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Firewall', value: 'firewall' },
					{ name: 'Instance', value: 'instance' },
					{ name: 'Operating System', value: 'os' },
					{ name: 'Plan', value: 'plan' },
					{ name: 'Region', value: 'region' },
					{ name: 'Snapshot', value: 'snapshot' },
					{ name: 'SSH Key', value: 'sshKey' },
				],
				default: 'instance',
			},
			...instance.description,
			...region.description,
			...plan.description,
			...os.description,
			...sshKey.description,
			...firewall.description,
			...snapshot.description,
		],
	};

	methods = { loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
