import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { quoted } from '../../../lib/errors';
import { InputError } from '../../../lib/validation';

export const SET_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'Caddy',
		value: 'caddy',
		description:
			'/etc/caddy, the autosaved config, certificates, and the live config from the admin API',
	},
	{
		name: 'Headscale',
		value: 'headscale',
		description: '/etc/headscale, /var/lib/headscale and its database (SQLite dump or pg_dump)',
	},
	{
		name: 'Heartbeat Queue',
		value: 'heartbeat',
		description: 'The Heartbeat node’s queue database (SQLite dump or pg_dump)',
	},
	{
		name: 'N8n',
		value: 'n8n',
		description: 'Workflows and credentials (still encrypted) of an n8n running on the server',
	},
	{
		name: 'System',
		value: 'system',
		description: '/etc settings of SSH, WireGuard, ufw, fail2ban, sysctl and unattended-upgrades',
	},
];

/** Where each set finds its databases and n8n; shared by Backup, Restore. */
export function setOptionsField(displayOptions: IDisplayOptions): INodeProperties {
	return {
		displayName: 'Set Options',
		name: 'setOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'Headscale Database',
				name: 'headscaleDatabase',
				type: 'string',
				default: '/var/lib/headscale/db.sqlite',
				description: 'Headscale’s SQLite file',
			},
			{
				displayName: 'Headscale PostgreSQL Database',
				name: 'headscalePostgres',
				type: 'string',
				default: '',
				description: 'When Headscale uses PostgreSQL: its database (dumped as the postgres user)',
			},
			{
				displayName: 'Heartbeat Queue Database',
				name: 'heartbeatDatabase',
				type: 'string',
				default: '',
				placeholder: '/home/n8n/.n8n/homelab-ingress-heartbeat.sqlite',
				description: 'The Heartbeat node’s SQLite file on the server',
			},
			{
				displayName: 'Heartbeat Queue PostgreSQL Database',
				name: 'heartbeatPostgres',
				type: 'string',
				default: '',
				description: 'When the Heartbeat queue lives in PostgreSQL on the server: its database',
			},
			{
				displayName: 'N8n Command',
				name: 'n8nCommand',
				type: 'string',
				default: 'n8n',
				placeholder: 'docker exec -i -e N8N_LOG_LEVEL=error n8n n8n',
				description:
					'How to run the n8n CLI on the server, as plain words (no shell syntax): e.g. n8n, runuser -u n8n -- n8n, or docker exec -i -e N8N_LOG_LEVEL=error n8n n8n',
			},
			{
				displayName: 'N8n Service',
				name: 'n8nUnit',
				type: 'string',
				default: 'n8n',
				description:
					'Systemd unit stopped while the Heartbeat queue database is restored; empty to stop none',
			},
		],
	};
}

export function lockWaitField(): INodeProperties {
	return {
		displayName: 'Lock Wait (Seconds)',
		name: 'lockWait',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 300,
		description:
			'How long to wait while another run (a backup, prune or check) holds the repository lock; then the run fails',
	};
}

/** restic's host name for snapshots: letters, digits, dot, dash, underscore (it also goes in a tag). */
export function parseSnapshotHost(field: string, raw: unknown): string {
	const host = String(raw ?? '').trim();
	if (host && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(host))
		throw new InputError(field, `${quoted(host)} is not a host name (letters, digits, . _ -)`);
	return host;
}

export function parseLockWait(raw: unknown): number {
	const seconds = Number(raw ?? 300);
	if (!Number.isFinite(seconds) || seconds < 0 || seconds > 86_400)
		throw new InputError('Lock Wait', 'must be between 0 and 86400 seconds');
	return Math.trunc(seconds);
}
