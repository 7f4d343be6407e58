/**
 * SSH Setup's restic helpers without a server: the repository credential's checks and masking, the
 * sets, which runs a restore picks, which snapshots retention forgets, how restic's failures are
 * classified, and that no secret is ever part of the script text (it is a command-line argument).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';

import { errorKindOf } from '../../lib/errors';
import { InputError } from '../../lib/validation';
import { parseBackupOutput } from '../../nodes/SshSetup/helpers/restic/backup';
import {
	parseHostKey,
	parseRepository,
	redact,
} from '../../nodes/SshSetup/helpers/restic/repository';
import { restoreBody, selectRuns } from '../../nodes/SshSetup/helpers/restic/restore';
import { snapshotsToForget } from '../../nodes/SshSetup/helpers/restic/retention';
import { resticFailure } from '../../nodes/SshSetup/helpers/restic/run';
import { resticScript } from '../../nodes/SshSetup/helpers/restic/script';
import { buildSets } from '../../nodes/SshSetup/helpers/restic/sets';
import type { SnapshotJson } from '../../nodes/SshSetup/helpers/restic/snapshots';

const PASSWORD = 'unit-test password 81f';
const ED25519_LINE =
	'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl host@box';
const PRIVATE_KEY = generateKeyPairSync('ed25519')
	.privateKey.export({ type: 'pkcs8', format: 'pem' })
	.toString();

const sftpData = (extra: Record<string, unknown> = {}) => ({
	repositoryType: 'sftp',
	sftpHost: 'box.example.com',
	sftpPort: 2222,
	sftpUser: 'restic',
	sftpPath: '/srv/restic/ingress',
	sftpPrivateKey: PRIVATE_KEY,
	sftpHostKey: ED25519_LINE,
	password: PASSWORD,
	...extra,
});

/** The error thrown by `work`, or a failure when it throws none. */
function thrown(work: () => unknown): Error {
	try {
		work();
	} catch (error) {
		return error as Error;
	}
	throw new Error('nothing was thrown');
}

describe('parseRepository', () => {
	it('takes a folder on the server', () => {
		expect(parseRepository({ path: '/var/backups/restic', password: PASSWORD })).toMatchObject({
			location: '/var/backups/restic',
			display: 'local:/var/backups/restic',
		});
	});

	it.each([
		[{ path: '/', password: PASSWORD }, /^Invalid Path:/],
		[{ path: 'relative', password: PASSWORD }, /^Invalid Path:/],
		[{ path: '/srv/../etc', password: PASSWORD }, /^Invalid Path:/],
		[{ path: '/srv/r', password: '' }, /^Invalid Repository Password: is required/],
		[{ path: '/srv/r', password: 'two\nlines' }, /^Invalid Repository Password: must be one line/],
		[
			{ path: '/srv/r', password: ' padded ' },
			/^Invalid Repository Password: must not start or end/,
		],
		[sftpData({ sftpUser: 'root; id' }), /^Invalid SFTP User:/],
		[sftpData({ sftpHost: 'box example' }), /^Invalid SFTP Host:/],
		[sftpData({ sftpPath: '/srv/../etc' }), /^Invalid SFTP Path:/],
		[sftpData({ sftpPath: '/srv/with space' }), /^Invalid SFTP Path:/],
		[sftpData({ sftpPrivateKey: 'not a key' }), /^Invalid SFTP Private Key:/],
		[
			sftpData({
				sftpPrivateKey:
					'-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nabc\n-----END RSA PRIVATE KEY-----',
			}),
			/passphrase/,
		],
		[sftpData({ sftpHostKey: 'SHA256:abc' }), /^Invalid SFTP Host Public Key:/],
		[{ repositoryType: 'other', location: 'ftp://x', password: PASSWORD }, /^Invalid Repository:/],
		[
			{
				repositoryType: 'other',
				location: 's3:https://h/b',
				environment: 'RESTIC_PASSWORD=x',
				password: PASSWORD,
			},
			/RESTIC_PASSWORD is set by the node itself/,
		],
	])('refuses %j', (data, message) => {
		const error = thrown(() => parseRepository(data));
		expect(error).toBeInstanceOf(InputError);
		expect(error.message).toMatch(message);
		expect(error.message).not.toContain(PASSWORD);
	});

	it('reads SFTP with the pinned host key and its fingerprint', () => {
		const repository = parseRepository(sftpData());
		expect(repository.location).toBe('sftp:restic@box.example.com:/srv/restic/ingress');
		expect(repository.sftp).toMatchObject({
			port: 2222,
			hostKey: ED25519_LINE.split(' ').slice(0, 2).join(' '),
		});
		// the fingerprint ssh-keygen prints for the same key
		const fingerprint = execFileSync('ssh-keygen', ['-lf', '-'], {
			input: ED25519_LINE,
			encoding: 'utf8',
		}).split(' ')[1];
		expect(repository.sftp?.fingerprint).toBe(fingerprint);
		expect(parseRepository(sftpData({ sftpHost: 'fd7a:115c:a1e0::5' })).location).toBe(
			'sftp:restic@[fd7a:115c:a1e0::5]:/srv/restic/ingress',
		);
	});

	it('accepts a known_hosts line, and refuses key data of another type than it claims', () => {
		expect(parseHostKey(`[box]:22 ${ED25519_LINE}`).hostKey).toBe(
			ED25519_LINE.split(' ').slice(0, 2).join(' '),
		);
		expect(() => parseHostKey(`ssh-rsa ${ED25519_LINE.split(' ')[1]}`)).toThrow(
			/not a ssh-rsa key/,
		);
	});

	it('masks every secret of the credential in text from the server', () => {
		const rest = parseRepository({
			repositoryType: 'other',
			location: 'rest:https://backup:s3cr3t-rest@backup.example.com:8000/ingress/',
			environment: '# S3\nAWS_SECRET_ACCESS_KEY=aws-secret-0123\n\nAWS_ACCESS_KEY_ID=AKIDEXAMPLE',
			password: PASSWORD,
		});
		expect(rest.display).toBe('rest:https://***@backup.example.com:8000/ingress/');
		expect(rest.environment).toEqual([
			['AWS_SECRET_ACCESS_KEY', 'aws-secret-0123'],
			['AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE'],
		]);
		const masked = redact(
			`Fatal: rest:https://backup:s3cr3t-rest@backup.example.com:8000/ingress/ said ${PASSWORD} and aws-secret-0123; https://a:b@c/`,
			rest,
		);
		expect(masked).not.toMatch(/s3cr3t-rest|aws-secret-0123|unit-test password|a:b@/);
	});
});

describe('resticScript', () => {
	it('keeps every secret out of the script text (a command-line argument) and sends them on stdin', () => {
		for (const repository of [
			parseRepository(sftpData()),
			parseRepository({
				repositoryType: 'other',
				location: 'rest:https://u:rest-pass-1@h:8000/r/',
				environment: 'AWS_SECRET_ACCESS_KEY=aws-secret-0123',
				password: PASSWORD,
			}),
		]) {
			const { script, stdin } = resticScript(repository, 30, 'hli_restic snapshots');
			for (const secret of [PASSWORD, 'rest-pass-1', 'aws-secret-0123', PRIVATE_KEY.split('\n')[1]])
				expect(script).not.toContain(secret);
			expect(stdin.split('\n')[0]).toBe(PASSWORD);
		}
	});

	it('is valid bash', () => {
		const { script } = resticScript(parseRepository(sftpData()), 30, 'true');
		expect(() => execFileSync('bash', ['-n', '-c', script])).not.toThrow();
	});
});

describe('buildSets', () => {
	it('dumps Headscale’s SQLite database and leaves its live files out of the files part', () => {
		const [headscale] = buildSets(['headscale'], {});
		expect(headscale.dumps).toEqual([
			{ part: 'database', kind: 'sqlite', file: '/var/lib/headscale/db.sqlite' },
		]);
		expect(headscale.excludes).toEqual([
			'/var/lib/headscale/db.sqlite',
			'/var/lib/headscale/db.sqlite-wal',
			'/var/lib/headscale/db.sqlite-shm',
			'/var/lib/headscale/db.sqlite-journal',
		]);
		expect(buildSets(['headscale'], { headscalePostgres: 'headscale' })[0].dumps).toEqual([
			{ part: 'database', kind: 'postgres', database: 'headscale' },
		]);
	});

	it('needs the Heartbeat queue database for a backup, not for a restore', () => {
		expect(() => buildSets(['heartbeat'], {})).toThrow(/^Invalid Heartbeat Queue Database:/);
		expect(buildSets(['heartbeat'], {}, false)[0].units).toEqual(['n8n']);
		expect(buildSets(['heartbeat'], { n8nUnit: '' }, false)[0].units).toEqual([]);
	});

	it.each([
		[{ headscaleDatabase: '/var/lib/db*.sqlite' }, /^Invalid Headscale Database:/],
		[{ headscaleDatabase: "/x'; rm -rf / #" }, /^Invalid Headscale Database:/],
		[{ headscalePostgres: 'db; drop' }, /^Invalid Headscale PostgreSQL Database:/],
		[{ n8nUnit: 'n8n; reboot' }, /^Invalid n8n Service:/],
	])('refuses %j', (options, message) => {
		expect(() =>
			buildSets(['headscale', 'heartbeat', 'n8n'], { heartbeatDatabase: '/q.db', ...options }),
		).toThrow(message);
	});

	it('takes the n8n command as words, each quoted on its own', () => {
		const [n8n] = buildSets(['n8n'], { n8nCommand: ' docker  exec -i n8n n8n ' });
		expect(n8n.dumps[0]).toMatchObject({
			kind: 'n8n',
			command: ['docker', 'exec', '-i', 'n8n', 'n8n'],
		});
	});
});

const snapshot = (
	id: string,
	set: string,
	part: string,
	time: string,
	host = 'vps',
): SnapshotJson => ({
	id,
	time,
	hostname: host,
	paths: [`/${part}`],
	tags: ['homelab-ingress', `set:${set}`, `part:${part}`, `host:${host}`],
});

describe('selectRuns', () => {
	const list = [
		snapshot('aa01', 'caddy', 'files', '2025-02-01T03:00:00Z'),
		snapshot('aa02', 'caddy', 'manifest', '2025-02-01T03:00:00Z'),
		snapshot('bb01', 'caddy', 'files', '2025-02-02T03:00:00Z'),
		// the newest caddy run was cut short: no manifest
		snapshot('cc01', 'caddy', 'files', '2025-02-03T03:00:00Z'),
		snapshot('bb02', 'caddy', 'manifest', '2025-02-02T03:00:00Z'),
		snapshot('bb03', 'system', 'files', '2025-02-02T03:00:00Z'),
		snapshot('bb04', 'system', 'manifest', '2025-02-02T03:00:00Z'),
		snapshot('dd01', 'caddy', 'files', '2025-02-02T03:00:00Z', 'other-vps'),
		snapshot('dd02', 'caddy', 'manifest', '2025-02-02T03:00:00Z', 'other-vps'),
		{ ...snapshot('ee01', 'caddy', 'files', '2025-03-01T00:00:00Z'), tags: ['made-by-hand'] },
	];

	it('latest: the newest finished run of each set, never a cut-short one or another tool’s', () => {
		const { runs, missing } = selectRuns(
			list.filter((s) => s.hostname === 'vps'),
			['caddy', 'system', 'headscale'],
			'latest',
		);
		expect(runs.map((run) => [run.set, run.parts.map((p) => p.id)])).toEqual([
			['caddy', ['bb01']],
			['system', ['bb03']],
		]);
		expect(missing).toEqual(['headscale']);
	});

	it('an id: the chosen sets of the run that made it, on the same host', () => {
		const { runs } = selectRuns(list, ['caddy', 'system'], 'bb03');
		expect(runs.map((run) => `${run.set}@${run.host}:${run.parts.map((p) => p.id)}`)).toEqual([
			'caddy@vps:bb01',
			'system@vps:bb03',
		]);
	});

	it.each([
		['cc01', 'conflict', /never finished/],
		['ee01', 'notFound', /no snapshot of this package/],
		['ffff', 'notFound', /no snapshot of this package/],
		['b', 'input', /matches several snapshots/],
	])('refuses %s (%s)', (id, kind, message) => {
		const error = thrown(() => selectRuns(list, ['caddy'], id));
		expect(error.message).toMatch(message);
		expect(errorKindOf(error)).toBe(kind);
	});
});

describe('restoreBody', () => {
	const run = (path: string) => ({
		set: 'headscale',
		host: 'vps',
		time: '2025-02-01T03:00:00Z',
		parts: [
			{ ...snapshot('aa01', 'headscale', 'database', '2025-02-01T03:00:00Z'), paths: [path] },
		],
	});
	const body = (path: string, folder = '') =>
		restoreBody({ runs: [run(path)], folder, sets: buildSets(['headscale'], {}, false) });

	it('rebuilds a SQLite dump at the database’s own path, or under the folder', () => {
		expect(body('/var/lib/headscale/db.sqlite.sql')).toContain(
			"hli_restore_sqlite 'aa01' '/var/lib/headscale/db.sqlite.sql' '/var/lib/headscale/db.sqlite'",
		);
		expect(body('/var/lib/headscale/db.sqlite.sql', '/var/tmp/r')).toContain(
			"'/var/tmp/r/var/lib/headscale/db.sqlite'",
		);
	});

	it.each(['/etc/cron.d/../../root/x.sql', '/etc/cron.d/$(id).sql', 'relative.sql'])(
		'refuses a dump path from the repository that is not plain: %s',
		(path) => {
			const error = thrown(() => body(path));
			expect(errorKindOf(error)).toBe('upstream');
			expect(error.message).toMatch(/not one plain path a dump of this package has/);
		},
	);
});

describe('snapshotsToForget', () => {
	const now = Date.parse('2025-02-10T00:00:00Z');
	const list = [
		snapshot('k1', 'caddy', 'files', '2025-02-09T03:00:00Z'),
		snapshot('k2', 'caddy', 'manifest', '2025-02-09T03:00:00Z'),
		snapshot('d1', 'caddy', 'files', '2025-02-08T03:00:00Z'),
		snapshot('d2', 'caddy', 'live-config', '2025-02-08T03:00:00Z'),
		snapshot('d3', 'caddy', 'manifest', '2025-02-08T03:00:00Z'),
		// cut short two days ago, older than a finished run: abandoned
		snapshot('a1', 'caddy', 'files', '2025-02-07T03:00:00Z'),
		// cut short an hour ago: may still be running elsewhere
		snapshot('r1', 'caddy', 'files', '2025-02-09T23:00:00Z'),
		// another set: not part of this policy
		snapshot('o1', 'system', 'files', '2025-01-01T03:00:00Z'),
	];

	it('forgets whole runs the policy drops, and abandoned runs, of the chosen sets only', () => {
		const policy = [{ keep: [list[1]], remove: [list[4]] }];
		expect(snapshotsToForget(list, policy, ['caddy'], now).sort()).toEqual([
			'a1',
			'd1',
			'd2',
			'd3',
		]);
		expect(snapshotsToForget(list, [], ['system'], now)).toEqual([]);
	});
});

describe('parseBackupOutput', () => {
	it('reads parts, skips, manifests and restic’s list into the output', () => {
		const summary = (id: string, added: number) =>
			JSON.stringify({
				message_type: 'summary',
				files_new: 2,
				files_changed: 1,
				data_added: added,
				total_bytes_processed: 900,
				snapshot_id: id,
			});
		const list = [
			snapshot('1111aaaa0000', 'caddy', 'files', '2025-02-01T03:00:00Z'),
			snapshot('2222bbbb0000', 'caddy', 'manifest', '2025-02-01T03:00:00Z'),
		];
		const { output } = parseBackupOutput(
			[
				'hli:run\tvps\t2025-02-01 03:00:00',
				`hli:part\tcaddy\tfiles\t0\t${summary('1111aaaa', 500)}`,
				'hli:skipped\tcaddy\tlive-config',
				'hli:manifest\tcaddy\t2222bbbb',
				`hli:list\t${JSON.stringify(list)}`,
			].join('\n'),
		);
		expect(output).toMatchObject({
			host: 'vps',
			snapshotId: '1111aaaa0000',
			filesNew: 2,
			filesChanged: 1,
			bytesAdded: 500,
			skipped: [{ set: 'caddy', part: 'live-config' }],
			runs: [{ set: 'caddy', manifestId: '2222bbbb0000' }],
		});
	});
});

describe('resticFailure', () => {
	const repository = parseRepository({
		repositoryType: 'other',
		location: 'rest:https://u:rest-pass-1@h:8000/r/',
		password: PASSWORD,
	});
	const fail = (stderr: string) => resticFailure({ code: 1, stdout: '', stderr }, repository, 30);

	it.each([
		[
			'Fatal: wrong password or no key found',
			'auth',
			/^Opening the repository: The repository password does not open/,
		],
		[
			'unable to create lock in backend: repository is already locked exclusively by PID 7 on vps',
			'conflict',
			/stayed locked by another run for the whole lock wait \(30 s\)/,
		],
		['Host key verification failed.\nFatal: unable to open repository', 'auth', /pinned host key/],
		[
			'Fatal: unable to open config file\nIs there a repository at the following location?',
			'notFound',
			/There is no restic repository/,
		],
		['something else went wrong', 'upstream', /^Opening the repository failed with exit code 1$/],
	])('%s → %s', (said, kind, message) => {
		const error = fail(`hli-step: Opening the repository\n${said}`);
		expect(error.kind).toBe(kind);
		expect(error.message).toMatch(message);
	});

	it('names the step that failed, judges only what came after it, and masks secrets', () => {
		const error = fail(
			'hli-step: Opening the repository\nIs there a repository at the following location?\nhli-step: Backing up caddy (files)\nFatal: rest:https://u:rest-pass-1@h:8000/r/ broke',
		);
		expect(error.message).toBe('Backing up caddy (files) failed with exit code 1');
		expect(error.description).toBe('Fatal: rest:https://***@h:8000/r/ broke');
	});
});
