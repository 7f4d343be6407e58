import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import * as backup from './backup.operation';
import * as baselineCheck from './baselineCheck.operation';
import * as caddy from './caddy.operation';
import * as facts from './facts.operation';
import * as harden from './harden.operation';
import * as listSnapshots from './listSnapshots.operation';
import * as renderUpload from './renderUpload.operation';
import * as restore from './restore.operation';
import * as runCommands from './runCommands.operation';
import * as tailscale from './tailscale.operation';
import * as wireguard from './wireguard.operation';

interface Operation {
	option: INodePropertyOptions;
	description: INodeProperties[];
	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;
}

const op = (
	value: string,
	name: string,
	action: string,
	summary: string,
	module: Pick<Operation, 'description' | 'execute'>,
): [string, Operation] => [
	value,
	{ option: { name, value, action, description: summary }, ...module },
];

export const operations: Record<string, Operation> = Object.fromEntries([
	op(
		'backup',
		'Backup',
		'Back up server files',
		'Stream an archive into n8n, or back up chosen sets to a restic repository with retention',
		backup,
	),
	op(
		'baselineCheck',
		'Baseline Check',
		'Check the security baseline',
		'Pass/fail for sshd, BBR, firewall, fail2ban, unattended upgrades, /etc/ssh permissions',
		baselineCheck,
	),
	op(
		'caddy',
		'Install Caddy',
		'Install caddy in API mode',
		'Install Caddy and run it from its admin API (caddy-api.service), admin on localhost only',
		caddy,
	),
	op(
		'facts',
		'Facts',
		'Gather server facts',
		'OS, kernel, memory, disk, BBR, firewall, sshd, Tailscale, listening ports',
		facts,
	),
	op(
		'harden',
		'Harden',
		'Harden the server',
		'Updates, admin user, key-only SSH, BBR, firewall, fail2ban, unattended upgrades',
		harden,
	),
	op(
		'listSnapshots',
		'List Snapshots',
		'List backup snapshots',
		'Snapshots of the restic repository made by this package, by set and host',
		listSnapshots,
	),
	op(
		'renderUpload',
		'Render and Upload',
		'Render and upload a file',
		'Render a Handlebars template and write it atomically; unchanged content is not rewritten',
		renderUpload,
	),
	op(
		'restore',
		'Restore',
		'Restore a backup',
		'Restore sets from a restic snapshot, in place (services stopped around it) or into a folder',
		restore,
	),
	op(
		'runCommands',
		'Run Commands',
		'Run commands on the server',
		'Run shell commands with sudo, environment and timeout',
		runCommands,
	),
	op(
		'tailscale',
		'Install Tailscale and Join',
		'Install tailscale and join a tailnet',
		'Install Tailscale and run tailscale up with a given or freshly minted key; outputs the tunnel IPs',
		tailscale,
	),
	op(
		'wireguard',
		'WireGuard',
		'Set up WireGuard',
		'Key pair made on the server, wg0.conf from a template, wg-quick unit',
		wireguard,
	),
]);

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: Object.values(operations)
		.map((o) => o.option)
		.sort((a, b) => a.name.localeCompare(b.name)),
	// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- the options are built from the table above; harden is one of them
	default: 'harden',
};

export const operationProperties: INodeProperties[] = Object.values(operations).flatMap(
	(o) => o.description,
);
