import { quoted } from '../../../../lib/errors';
import { parseAbsolutePath } from '../../../../lib/shell';
import { InputError } from '../../../../lib/validation';
import { BBR_MODULE_FILE } from '../harden/sysctl';
import { PERIODIC_FILE, UPGRADES_FILE } from '../harden/unattendedUpgrades';

export const SET_NAMES = ['headscale', 'caddy', 'system', 'heartbeat', 'n8n'] as const;
export type SetName = (typeof SET_NAMES)[number];

/** A stream backed up through restic's stdin: never a plain temp file on disk. */
export type Dump =
	| { part: 'database'; kind: 'sqlite'; file: string }
	| { part: 'database'; kind: 'postgres'; database: string }
	| { part: 'live-config'; kind: 'caddyConfig' }
	| { part: 'workflows' | 'credentials'; kind: 'n8n'; command: string[] };

export interface BackupSet {
	name: SetName;
	/** Files and folders (those that exist on the server are backed up). */
	paths: string[];
	/** Left out of the files part (e.g. the live SQLite file, which a dump covers). */
	excludes: string[];
	dumps: Dump[];
	/** Units stopped while a restore writes to their files, and started again afterwards. */
	units: string[];
}

export interface SetOptions {
	headscaleDatabase?: string;
	headscalePostgres?: string;
	heartbeatDatabase?: string;
	heartbeatPostgres?: string;
	n8nCommand?: string;
	n8nUnit?: string;
}

const CADDY_AUTOSAVE_DIR = '/var/lib/caddy/.config/caddy';
const CADDY_DATA_DIR = '/var/lib/caddy/.local/share/caddy';

/** The config this package's hardening writes (fail2ban's jail is in /etc/fail2ban), with the rest of each tool's folder. */
const SYSTEM_PATHS = [
	'/etc/ssh',
	'/etc/wireguard',
	'/etc/ufw',
	'/etc/default/ufw',
	'/etc/fail2ban',
	'/etc/sysctl.conf',
	'/etc/sysctl.d',
	BBR_MODULE_FILE,
	PERIODIC_FILE,
	'/etc/apt/apt.conf.d/50unattended-upgrades',
	UPGRADES_FILE,
];

/** Paths that end up in restic exclude patterns and stdin file names: no glob or shell characters. */
function parsePlainPath(field: string, raw: string): string {
	const path = parseAbsolutePath(field, raw);
	if (!/^[A-Za-z0-9._/@+-]+$/.test(path) || path === '/')
		throw new InputError(
			field,
			`${quoted(path)} must be a file path of letters, digits and . _ / @ + -`,
		);
	return path;
}

function parseDatabaseName(field: string, raw: string): string {
	if (!/^[A-Za-z0-9_-]{1,63}$/.test(raw))
		throw new InputError(field, `${quoted(raw)} is not a PostgreSQL database name`);
	return raw;
}

function parseUnit(field: string, raw: string): string {
	if (!/^[A-Za-z0-9@._:-]{1,200}$/.test(raw))
		throw new InputError(field, `${quoted(raw)} is not a systemd unit name`);
	return raw;
}

/** The n8n CLI as words (e.g. `docker exec -i n8n n8n`); each word is quoted on its own, no shell syntax. */
export function parseCommandWords(field: string, raw: string): string[] {
	const words = raw.trim().split(/\s+/).filter(Boolean);
	if (!words.length) throw new InputError(field, 'is required for the n8n set');
	if (words.some((word) => /[\0-\x1f]/.test(word)))
		throw new InputError(field, 'must not contain control characters');
	return words;
}

/** A database of a set: PostgreSQL when a database name is given, else the SQLite file (if any). */
function databaseDump(
	label: string,
	sqliteRaw: string | undefined,
	postgresRaw: string | undefined,
): Dump[] {
	const postgres = String(postgresRaw ?? '').trim();
	if (postgres)
		return [
			{
				part: 'database',
				kind: 'postgres',
				database: parseDatabaseName(`${label} PostgreSQL Database`, postgres),
			},
		];
	const file = String(sqliteRaw ?? '').trim();
	return file
		? [{ part: 'database', kind: 'sqlite', file: parsePlainPath(`${label} Database`, file) }]
		: [];
}

/**
 * The sets to back up or restore, checked before anything is sent to the server. A restore takes its
 * databases from the snapshots, so it does not need them named (`forBackup` false).
 */
export function buildSets(names: string[], options: SetOptions, forBackup = true): BackupSet[] {
	const n8nUnit = String(options.n8nUnit ?? 'n8n').trim();
	const n8nUnits = n8nUnit ? [parseUnit('n8n Service', n8nUnit)] : [];
	return [...new Set(names)].map((name): BackupSet => {
		switch (name) {
			case 'headscale': {
				const dumps = databaseDump(
					'Headscale',
					options.headscaleDatabase ?? '/var/lib/headscale/db.sqlite',
					options.headscalePostgres,
				);
				const sqlite = dumps.find((dump) => dump.kind === 'sqlite');
				return {
					name,
					paths: ['/etc/headscale', '/var/lib/headscale'],
					// the live database and its journals: the dump covers them consistently
					excludes: sqlite ? ['', '-wal', '-shm', '-journal'].map((s) => `${sqlite.file}${s}`) : [],
					dumps,
					units: ['headscale.service'],
				};
			}
			case 'caddy':
				return {
					name,
					paths: ['/etc/caddy', CADDY_AUTOSAVE_DIR, CADDY_DATA_DIR],
					excludes: [],
					dumps: [{ part: 'live-config', kind: 'caddyConfig' }],
					units: ['caddy-api.service', 'caddy.service'],
				};
			case 'system':
				return { name, paths: SYSTEM_PATHS, excludes: [], dumps: [], units: [] };
			case 'heartbeat': {
				const dumps = databaseDump(
					'Heartbeat Queue',
					options.heartbeatDatabase,
					options.heartbeatPostgres,
				);
				if (!dumps.length && forBackup)
					throw new InputError(
						'Heartbeat Queue Database',
						'give the SQLite file (or the PostgreSQL database) of the Heartbeat queue',
					);
				return { name, paths: [], excludes: [], dumps, units: n8nUnits };
			}
			case 'n8n': {
				const command = parseCommandWords('n8n Command', String(options.n8nCommand ?? 'n8n'));
				return {
					name,
					paths: [],
					excludes: [],
					dumps: [
						{ part: 'workflows', kind: 'n8n', command },
						{ part: 'credentials', kind: 'n8n', command },
					],
					units: [],
				};
			}
			default:
				throw new InputError('Sets', `${quoted(name)} is not one of ${SET_NAMES.join(', ')}`);
		}
	});
}

/** The path a dump has in its snapshot: where a SQLite database lived, or a name of its own. */
export function dumpPath(dump: Dump): string {
	switch (dump.kind) {
		case 'sqlite':
			return `${dump.file}.sql`;
		case 'postgres':
			return `/homelab-ingress/postgresql/${dump.database}.sql`;
		case 'caddyConfig':
			return '/homelab-ingress/caddy-live-config.json';
		case 'n8n':
			return `/homelab-ingress/n8n-${dump.part}.json`;
	}
}
