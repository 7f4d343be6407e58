import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../lib/execute';
import { withSession } from '../helpers/connection';
import { parseProfile, type HardenParameters } from '../helpers/harden/parseProfile';
import { STEP_ORDER } from '../helpers/harden/profile';
import { runHarden } from '../helpers/harden/run';

const show = { show: { operation: ['harden'] } };
const showStep = (step: string) => ({ show: { operation: ['harden'], steps: [step] } });

export const description: INodeProperties[] = [
	{
		displayName: 'Check Mode',
		name: 'checkMode',
		type: 'boolean',
		default: false,
		displayOptions: show,
		description: 'Whether to only report what would change, without changing anything',
	},
	{
		displayName: 'Steps',
		name: 'steps',
		type: 'multiOptions',
		default: [...STEP_ORDER],
		displayOptions: show,
		options: [
			{ name: 'Admin User', value: 'adminUser', description: 'A sudo user with your public keys' },
			{
				name: 'Fail2ban',
				value: 'fail2ban',
				description: 'Ban addresses that keep failing SSH logins',
			},
			{
				name: 'Firewall (Ufw)',
				value: 'firewall',
				description: 'Deny incoming except SSH and the ports you list',
			},
			{
				name: 'SSH Daemon',
				value: 'sshd',
				description: 'Key-only logins, validated and proven by a second login',
			},
			{
				name: 'Sysctl (BBR)',
				value: 'sysctl',
				description: 'TCP BBR and a curated set that keeps tunnels working',
			},
			{ name: 'System Update', value: 'updates', description: 'Apt update and upgrade' },
			{
				name: 'Unattended Upgrades',
				value: 'unattendedUpgrades',
				description: 'Automatic security updates',
			},
		],
	},
	{
		displayName: 'Admin Username',
		name: 'adminUsername',
		type: 'string',
		default: 'admin',
		displayOptions: showStep('adminUser'),
	},
	{
		displayName: 'Admin Authorized Keys',
		name: 'adminAuthorizedKeys',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'ssh-ed25519 AAAA… you@laptop',
		displayOptions: showStep('adminUser'),
		description:
			"Public keys, one per line; added to the user's authorized_keys (existing keys are kept)",
		hint: 'Paste your own public key (ssh-ed25519 …) so you keep a way in',
	},
	{
		displayName: 'Options',
		name: 'hardenOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Allow Users',
				name: 'allowUsers',
				type: 'string',
				default: '',
				description:
					'Sshd AllowUsers (comma-separated); must include the user this node logs in as',
			},
			{
				displayName: 'Allowed Ports',
				name: 'allowPorts',
				type: 'string',
				default: '80/tcp, 443/tcp',
				description:
					'Ports the firewall lets in besides SSH, e.g. 80/tcp, 443/tcp, 41641/udp, 51820/udp',
			},
			{
				displayName: 'Automatic Reboot',
				name: 'autoReboot',
				type: 'boolean',
				default: false,
				description: 'Whether unattended upgrades may reboot when an update needs it',
			},
			{ displayName: 'Ban Time', name: 'banTime', type: 'string', default: '1h' },
			{
				displayName: 'Extra Sshd Directives',
				name: 'extraSshdDirectives',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description:
					'More "Keyword value" lines for the sshd drop-in; checked by sshd -t and rolled back if they fail',
			},
			{ displayName: 'Find Time', name: 'findTime', type: 'string', default: '10m' },
			{
				displayName: 'Ignore IPs',
				name: 'ignoreIps',
				type: 'string',
				default: '',
				description: 'Addresses or CIDRs fail2ban never bans (comma-separated)',
			},
			{
				displayName: 'Keep Forwarding On',
				name: 'keepForwarding',
				type: 'boolean',
				default: true,
				description:
					'Whether IPv4/IPv6 forwarding stays on (needed for Tailscale subnet routes and WireGuard)',
			},
			{ displayName: 'Max Auth Tries', name: 'maxAuthTries', type: 'number', default: 3 },
			{
				displayName: 'Max Retry',
				name: 'maxRetry',
				type: 'number',
				default: 5,
				description: 'Failed logins before fail2ban bans an address',
			},
			{
				displayName: 'Passwordless Sudo',
				name: 'passwordlessSudo',
				type: 'boolean',
				default: true,
				description:
					'Whether the admin user runs sudo without a password (it has none, logins are key-only)',
			},
			{
				displayName: 'Reboot Time',
				name: 'rebootTime',
				type: 'string',
				default: '03:30',
				description: 'HH:MM when an automatic reboot may happen',
			},
			{
				displayName: 'Refresh Package Lists',
				name: 'refreshPackageLists',
				type: 'boolean',
				default: true,
				description: 'Whether the update step runs apt-get update before upgrading',
			},
			{
				displayName: 'Root Login',
				name: 'permitRootLogin',
				type: 'options',
				default: 'prohibit-password',
				options: [
					{ name: 'Keys Only', value: 'prohibit-password' },
					{ name: 'Never', value: 'no' },
				],
				description: 'Never is refused while this node itself logs in as root',
			},
			{
				displayName: 'SSH Allowed From',
				name: 'sshAllowedFrom',
				type: 'string',
				default: '',
				placeholder: '100.64.0.0/10',
				description:
					'Only this CIDR may reach SSH; refused if it does not contain the address this node connects from',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const profile = parseProfile({
			steps: this.getNodeParameter('steps', i) as string[],
			adminUsername: this.getNodeParameter('adminUsername', i, '') as string,
			adminAuthorizedKeys: this.getNodeParameter('adminAuthorizedKeys', i, '') as string,
			...(this.getNodeParameter('hardenOptions', i, {}) as Partial<HardenParameters>),
		});
		const checkMode = this.getNodeParameter('checkMode', i, false) as boolean;
		return await withSession(this, i, async (session) => {
			const steps = await runHarden(session, profile, checkMode);
			return {
				host: session.target.host,
				checkMode,
				changed: steps.some((step) => step.changed),
				changedSteps: steps.filter((step) => step.changed).map((step) => step.name),
				steps,
			};
		});
	});
}
