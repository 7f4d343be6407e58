import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { failureItem, toNodeError } from '../../../lib/execute';
import { parseAbsolutePath, quote } from '../../../lib/shell';
import { InputError, toList } from '../../../lib/validation';
import { withSession } from '../helpers/connection';
import { SshCommandError, SshError } from '../transport';
import { quoted } from '../../../lib/errors';
import * as repositoryBackup from './repositoryBackup.operation';

const show = { show: { operation: ['backup'], backupMode: ['stream'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'backupMode',
		type: 'options',
		noDataExpression: true,
		default: 'stream',
		displayOptions: { show: { operation: ['backup'] } },
		options: [
			{
				name: 'Stream Archive to N8n',
				value: 'stream',
				description: 'A tar of paths and databases as binary data, with its SHA-256',
			},
			{
				name: 'Restic Repository',
				value: 'repository',
				description:
					'Encrypted, deduplicated snapshots of chosen sets in a restic repository, with retention',
			},
		],
	},
	{
		displayName: 'Paths',
		name: 'backupPaths',
		type: 'string',
		default: '/etc/caddy, /var/lib/caddy/.config/caddy/autosave.json',
		displayOptions: show,
		description: 'Files and folders to archive (absolute, comma-separated)',
	},
	{
		displayName: 'Options',
		name: 'backupOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			{ displayName: 'Binary Property', name: 'binaryProperty', type: 'string', default: 'data' },
			{
				displayName: 'Compress',
				name: 'compress',
				type: 'boolean',
				default: true,
				description: 'Whether to gzip the archive (.tar.gz) instead of a plain .tar',
			},
			{
				displayName: 'PostgreSQL Database',
				name: 'pgDatabase',
				type: 'string',
				default: '',
				description: 'Database to include as a pg_dump (run as the postgres user)',
			},
			{
				displayName: 'SQLite Databases',
				name: 'sqlitePaths',
				type: 'string',
				default: '',
				placeholder: '/var/lib/headscale/db.sqlite',
				description:
					"SQLite files to include through a consistent .backup copy (e.g. Headscale's database)",
			},
		],
	},
	...repositoryBackup.description,
];

interface BackupOptions {
	binaryProperty?: string;
	compress?: boolean;
	pgDatabase?: string;
	sqlitePaths?: string;
}

/**
 * One remote script: consistent copies of databases into a temp folder, then tar to stdout. tee sends
 * the same bytes to sha256sum, whose result comes back on stderr for the end-to-end check.
 */
export function backupScript(
	paths: string[],
	sqlitePaths: string[],
	pgDatabase: string,
	compress: boolean,
): string {
	const lines = [
		'set -e -o pipefail',
		'work=$(mktemp -d); trap \'rm -rf "$work"\' EXIT',
		'mkdir "$work/databases"',
	];
	sqlitePaths.forEach((path, n) =>
		lines.push(`sqlite3 ${quote(path)} ".backup '$work/databases/sqlite-${n}.db'"`),
	);
	if (pgDatabase)
		lines.push(
			`runuser -u postgres -- pg_dump --format=custom ${quote(pgDatabase)} > "$work/databases/${pgDatabase}.pgdump"`,
		);
	lines.push('mkfifo "$work/hash"', 'sha256sum < "$work/hash" | sed "s/ .*//; s/^/sha256=/" >&2 &');
	lines.push(
		`tar -c ${compress ? '-z ' : ''}-f - --ignore-failed-read -C / ${paths.map((p) => quote(p.replace(/^\/+/, '') || '.')).join(' ')} -C "$work" databases | tee "$work/hash"`,
		'wait',
	);
	return lines.join('\n');
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	if (this.getNodeParameter('backupMode', 0, 'stream') === 'repository')
		return await repositoryBackup.execute.call(this);
	const output: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let i = 0; i < items.length; i++) {
		try {
			const paths = toList(this.getNodeParameter('backupPaths', i)).map((p) =>
				parseAbsolutePath('Paths', p),
			);
			const options = this.getNodeParameter('backupOptions', i, {}) as BackupOptions;
			const sqlitePaths = toList(options.sqlitePaths).map((p) =>
				parseAbsolutePath('SQLite Databases', p),
			);
			const pgDatabase = String(options.pgDatabase ?? '').trim();
			if (pgDatabase && !/^[A-Za-z0-9_-]{1,63}$/.test(pgDatabase))
				throw new InputError('PostgreSQL Database', `${quoted(pgDatabase)} is not a database name`);
			if (!paths.length && !sqlitePaths.length && !pgDatabase)
				throw new InputError('Paths', 'nothing to back up');
			const compress = options.compress ?? true;
			const property = options.binaryProperty || 'data';
			const item = await withSession(this, i, async (session) => {
				const { stdout, done } = await session.stream(
					backupScript(paths, sqlitePaths, pgDatabase, compress),
				);
				// Hash the bytes as they pass: the archive is never held in memory whole.
				const hash = createHash('sha256');
				const pass = new PassThrough();
				stdout.on('data', (chunk: Buffer) => hash.update(chunk));
				stdout.pipe(pass);
				const fileName = `backup-${session.target.host}-${new Date().toISOString().replace(/[:.]/g, '-')}.tar${compress ? '.gz' : ''}`;
				const [binary, result] = await Promise.all([
					this.helpers.prepareBinaryData(
						pass,
						fileName,
						compress ? 'application/gzip' : 'application/x-tar',
					),
					done,
				]);
				if (result.code !== 0) throw new SshCommandError('Backup', result);
				const sha256 = hash.digest('hex');
				const remote = /sha256=([0-9a-f]{64})/.exec(result.stderr)?.[1];
				if (remote !== sha256)
					throw new SshError(
						'The archive received differs from the one the server sent',
						`server ${remote ?? 'unknown'}, received ${sha256}`,
					);
				return {
					json: {
						host: session.target.host,
						fileName,
						sha256,
						bytes: binary.bytes ?? null,
						paths,
						sqlitePaths,
						pgDatabase: pgDatabase || null,
					},
					binary: { [property]: binary },
					pairedItem: { item: i },
				};
			});
			output.push(item);
		} catch (error) {
			const nodeError = await toNodeError.call(this, error, i);
			if (!this.continueOnFail()) throw nodeError;
			output.push(failureItem(error, nodeError, { item: i }));
		}
	}
	return output;
}
