import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { connectionFields } from './actions/common.descriptions';
import { operationProperties } from './actions/operations';
import { router } from './actions/router';
import { resticRepositoryTest, sshSetupConnectionTest } from './methods';

export class SshSetup implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SSH Setup',
		name: 'sshSetup',
		icon: { light: 'file:ssh.svg', dark: 'file:ssh.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			'Harden a server, set up Tailscale, Caddy and WireGuard, and back it up with restic, over SSH with a pinned host key',
		defaults: { name: 'SSH Setup' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'homelabSshApi', required: true, testedBy: 'sshSetupConnectionTest' },
			{
				name: 'tailscaleApi',
				required: true,
				displayOptions: { show: { operation: ['tailscale'], tsAuthKeySource: ['tailscaleApi'] } },
			},
			{
				name: 'headscaleApi',
				required: true,
				displayOptions: { show: { operation: ['tailscale'], tsAuthKeySource: ['headscaleApi'] } },
			},
			{
				name: 'homelabResticApi',
				required: true,
				testedBy: 'resticRepositoryTest',
				// Backup only in restic mode (listSnapshots and restore have no Mode, so nothing hides it there)
				displayOptions: {
					show: { operation: ['backup', 'listSnapshots', 'restore'] },
					hide: { backupMode: ['stream'] },
				},
			},
		],
		properties: [...operationProperties, ...connectionFields],
	};

	methods = { credentialTest: { sshSetupConnectionTest, resticRepositoryTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
