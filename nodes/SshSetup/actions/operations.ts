import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../lib/descriptions';
import { operation, type Operations } from '../../../lib/router';
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

export const operations: Operations = {
	backup: operation(backup, {
		name: 'Backup',
		action: 'Back up server files',
		description:
			'Stream an archive into n8n, or back up chosen sets to a restic repository with retention',
	}),
	baselineCheck: operation(baselineCheck, {
		name: 'Baseline Check',
		action: 'Check the security baseline',
		description:
			'Pass/fail for sshd, BBR, firewall, fail2ban, unattended upgrades, /etc/ssh permissions',
	}),
	caddy: operation(caddy, {
		name: 'Install Caddy',
		action: 'Install caddy in API mode',
		description:
			'Install Caddy and run it from its admin API (caddy-api.service), admin on localhost only',
	}),
	facts: operation(facts, {
		name: 'Facts',
		action: 'Gather server facts',
		description: 'OS, kernel, memory, disk, BBR, firewall, sshd, Tailscale, listening ports',
	}),
	harden: operation(harden, {
		name: 'Harden',
		action: 'Harden the server',
		description: 'Updates, admin user, key-only SSH, BBR, firewall, fail2ban, unattended upgrades',
	}),
	listSnapshots: operation(listSnapshots, {
		name: 'List Snapshots',
		action: 'List backup snapshots',
		description: 'Snapshots of the restic repository made by this package, by set and host',
	}),
	renderUpload: operation(renderUpload, {
		name: 'Render and Upload',
		action: 'Render and upload a file',
		description:
			'Render a Handlebars template and write it atomically; unchanged content is not rewritten',
	}),
	restore: operation(restore, {
		name: 'Restore',
		action: 'Restore a backup',
		description:
			'Restore sets from a restic snapshot, in place (services stopped around it) or into a folder',
	}),
	runCommands: operation(runCommands, {
		name: 'Run Commands',
		action: 'Run commands on the server',
		description: 'Run shell commands with sudo, environment and timeout',
	}),
	tailscale: operation(tailscale, {
		name: 'Install Tailscale and Join',
		action: 'Install tailscale and join a tailnet',
		description:
			'Install Tailscale and run tailscale up with a given or freshly minted key; outputs the tunnel IPs',
	}),
	wireguard: operation(wireguard, {
		name: 'WireGuard',
		action: 'Set up WireGuard',
		description: 'Key pair made on the server, wg0.conf from a template, wg-quick unit',
	}),
};

/** The Operation selector (no resource: it is always shown), then every operation's fields. */
export const operationProperties: INodeProperties[] = operationSelector(undefined, operations, {
	default: 'harden',
});
