/**
 * SSH Setup's restic backups on one VPS twin with a repository in a folder on the twin: sets and
 * their snapshots, secrets, a wrong password, a locked repository, an interrupted run, retention
 * across simulated days, List Snapshots and a restore into a folder. The repository and the twin are
 * read through nsenter and restic itself, never through the node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../support/engine';
import { describeWithServer } from '../support/servers';
import { startTwin, twinCredentials, type Twin } from '../support/twin';
import {
	databaseDigest,
	fileDigests,
	HEADSCALE_DB,
	seedEtc,
	seedHeadscale,
} from '../support/twin/vpsState';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- output items are checked field by field
type Out = Record<string, any>;

const REPOSITORY = '/srv/restic/ingress';
const PASSWORD = 'correct horse battery staple 7f3Qx';
const sh = (twin: Twin, script: string) => twin.exec(script).stdout.trim();
const RECORDER = readFileSync(join(__dirname, '../support/twin/restic-recorder.sh'), 'utf8');
const N8N_DOUBLE = readFileSync(join(__dirname, '../support/twin/n8n-double.sh'), 'utf8');
const QUEUE_DB = '/home/n8n/.n8n/homelab-ingress-heartbeat.sqlite';

/** Every file of the repository with its size and hash: any change to the repository shows here. */
const repositoryState = (twin: Twin) =>
	sh(twin, `cd ${REPOSITORY} && find . -type f -print0 | sort -z | xargs -0 sha256sum`);

/** restic run inside the twin by the test itself (password from a here-string, not the node's code). */
function restic(twin: Twin, args: string, password = PASSWORD) {
	return twin.exec(
		`pw=$(cat); restic -r ${REPOSITORY} --password-file <(printf %s "$pw") ${args}`,
		password,
	);
}

function snapshots(twin: Twin): Out[] {
	const listed = restic(twin, 'snapshots --json');
	if (listed.code !== 0) throw new Error(listed.stderr);
	return JSON.parse(listed.stdout) as Out[];
}

describeWithServer('twin', 'SSH Setup Backup to a restic repository on the VPS twin', () => {
	let twin: Twin;
	let credentials: Record<string, IDataObject>;
	const repositoryCredential = (extra: IDataObject = {}) => ({
		...credentials,
		homelabResticApi: { repositoryType: 'local', path: REPOSITORY, password: PASSWORD, ...extra },
	});
	const backup = async (parameters: IDataObject = {}, extra: IDataObject = {}) =>
		await runNode(
			'sshSetup',
			{ operation: 'backup', backupMode: 'repository', ...parameters },
			{ credentials: repositoryCredential(extra) },
		);

	beforeAll(async () => {
		twin = await startTwin();
		credentials = twinCredentials(twin);
		seedHeadscale(twin);
		seedEtc(twin);
	}, 120_000);

	afterAll(async () => {
		await twin?.stop();
	}, 60_000);

	it('creates the repository and backs up each set as tagged snapshots; a re-run adds almost nothing', async () => {
		const first = await backup({ backupSets: ['headscale', 'system'] });
		expect(first.error).toBeUndefined();
		const out = first.json[0] as Out;
		expect(out).toMatchObject({ initialized: true, repository: `local:${REPOSITORY}` });
		expect(out.snapshots.map((s: Out) => `${s.set}/${s.part}`)).toEqual([
			'headscale/files',
			'headscale/database',
			'system/files',
		]);

		const listed = snapshots(twin);
		// the three parts, and a manifest for each set's finished run
		expect(listed).toHaveLength(5);
		expect(out.runs.map((r: Out) => r.set)).toEqual(['headscale', 'system']);
		for (const run of out.runs as Out[]) {
			const manifest = listed.find((l) => l.id === run.manifestId)!;
			expect(manifest.tags).toContain('part:manifest');
			const content = restic(twin, `dump ${run.manifestId} /homelab-ingress/runs/${run.set}.txt`);
			for (const part of (out.snapshots as Out[]).filter((p) => p.set === run.set))
				expect(content.stdout).toContain(`${part.part} ${part.shortId}`);
		}
		const host = sh(twin, 'hostname');
		for (const s of out.snapshots as Out[]) {
			const mine = listed.find((l) => l.id === s.id)!;
			expect(mine.hostname).toBe(host);
			expect(mine.tags.sort()).toEqual(
				['homelab-ingress', `set:${s.set}`, `part:${s.part}`, `host:${host}`].sort(),
			);
		}
		// one run: every part has the same snapshot time
		expect(new Set(listed.map((l) => l.time)).size).toBe(1);
		const database = listed.find((l) => l.tags.includes('part:database'))!;
		expect(database.paths).toEqual([`${HEADSCALE_DB}.sql`]);
		const files = restic(twin, `ls ${out.snapshots[0].id}`).stdout;
		expect(files).toContain('/var/lib/headscale/noise_private.key');
		expect(files).not.toContain(`${HEADSCALE_DB}\n`);

		const again = await backup({ backupSets: ['headscale', 'system'] });
		const second = again.json[0] as Out;
		expect(second.initialized).toBe(false);
		// files unchanged are not read again; a dump is read again but deduplicated
		const filesParts = (second.snapshots as Out[]).filter((s) => s.part === 'files');
		expect(filesParts.map((s) => s.filesNew + s.filesChanged)).toEqual([0, 0]);
		expect(second.bytesAdded).toBeLessThan(out.bytesAdded / 10);
	}, 120_000);

	it('restores a database dumped while its service writes to it: intact and consistent', async () => {
		expect(twin.exec('systemctl start headscale.service').code).toBe(0);
		const made = await backup({ backupSets: ['headscale'] });
		expect(made.error).toBeUndefined();
		const folder = twin.scratchDir();
		const restored = await runNode(
			'sshSetup',
			{
				operation: 'restore',
				restoreSets: ['headscale'],
				restoreSnapshot: (made.json[0] as Out).snapshotId,
				restoreTarget: 'folder',
				restoreFolder: folder,
			},
			{ credentials: repositoryCredential() },
		);
		twin.exec('systemctl stop headscale.service');
		expect(restored.error).toBeUndefined();
		const copy = `${folder}${HEADSCALE_DB}`;
		const digest = databaseDigest(twin, copy);
		expect(digest.split('\n')[0]).toBe('ok');
		expect(digest).toContain('user_version=27');
		// the two tables the service writes in one transaction: equal counts, or the dump was torn
		const counts = sh(
			twin,
			`sqlite3 ${copy} 'SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM audit)'`,
		);
		const [events, audit] = counts.split('|').map(Number);
		expect(events).toBeGreaterThan(0);
		expect(events).toBe(audit);
		expect(
			fileDigests(twin, [`${folder}/var/lib/headscale/noise_private.key`])
				.split(' ')
				.slice(1),
		).toEqual(fileDigests(twin, ['/var/lib/headscale/noise_private.key']).split(' ').slice(1));
	}, 120_000);
	it('keeps the password out of command lines, environments, files, logs and outputs', async () => {
		const placed = twin.exec(
			'cat > /usr/local/bin/restic && chmod 0755 /usr/local/bin/restic',
			RECORDER,
		);
		expect(placed.code).toBe(0);
		let result;
		try {
			result = await backup({
				backupSets: ['system'],
				retention: { keepDaily: 7 },
				repositoryOptions: { check: true },
			});
		} finally {
			twin.exec('rm -f /usr/local/bin/restic');
		}
		expect(result.error).toBeUndefined();
		expect(JSON.stringify(result.json)).not.toContain(PASSWORD);
		const log = sh(twin, 'cat /var/lib/restic-recorder/calls.log');
		const calls = log.split('--- call\n').filter(Boolean);
		// cat config, backup, snapshots, forget, check
		expect(calls.length).toBeGreaterThanOrEqual(5);
		for (const call of calls) {
			const args = call
				.split('\n')
				.filter((l) => l.startsWith('arg='))
				.map((l) => l.slice(4));
			expect(args[args.indexOf('--password-file') + 1]).toMatch(/^\/dev\/fd\/\d+$/);
			expect(args[args.indexOf('--repository-file') + 1]).toMatch(/^\/dev\/fd\/\d+$/);
			expect(call).toMatch(/^ps=/m);
			expect(call).toMatch(/^environ=/m);
		}
		// not in any argument, environment or process list recorded while restic ran
		expect(log).not.toContain(PASSWORD);
		expect(log).not.toMatch(/RESTIC_PASSWORD/);
		// nor in any file of the twin (journal and logs included), nor a leftover work folder
		const found = twin.exec(
			'pw=$(cat); grep -rlsF --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev -e "$pw" / || true',
			PASSWORD,
		);
		expect(found.stdout.trim()).toBe('');
		expect(sh(twin, 'ls -d /run/hli-restic.* 2>/dev/null || true')).toBe('');
	}, 180_000);

	it('fails clearly on a wrong password, changes nothing and says so by kind', async () => {
		const before = repositoryState(twin);
		const wrong = 'not the password 42';
		const result = await runNode(
			'sshSetup',
			{
				operation: 'backup',
				backupMode: 'repository',
				backupSets: ['system'],
				retention: { keepDaily: 1 },
			},
			{ credentials: repositoryCredential({ password: wrong }), onError: 'continueRegularOutput' },
		);
		const [failed] = result.json as Out[];
		expect(failed.error).toMatch(/^Opening the repository: The repository password does not open/);
		expect(failed.details).toEqual({ errorKind: 'auth', httpStatus: 502 });
		expect(JSON.stringify(result.json)).not.toContain(wrong);
		expect(repositoryState(twin)).toBe(before);
	}, 60_000);

	it('waits while another run holds the repository lock; fails with kind conflict when it stays locked', async () => {
		// restic key passwd holds an exclusive lock while it waits for the new password on a FIFO
		const waitForLock = () =>
			twin.exec(
				`for i in $(seq 50); do [ -n "$(ls -A ${REPOSITORY}/locks)" ] && exit 0; sleep 0.1; done; exit 1`,
			);
		const holder = twin
			.exec(
				`pw=$(cat); fifo=$(mktemp -u /run/hold.XXXXXX); mkfifo "$fifo"
setsid bash -c 'exec restic -r ${REPOSITORY} --password-file <(printf %s "$1") key passwd --new-password-file "$2"' _ "$pw" "$fifo" </dev/null >/dev/null 2>&1 &
echo $!`,
				PASSWORD,
			)
			.stdout.trim();
		expect(waitForLock().code).toBe(0);
		const locked = await runNode(
			'sshSetup',
			{
				operation: 'backup',
				backupMode: 'repository',
				backupSets: ['system'],
				repositoryOptions: { lockWait: 3 },
			},
			{ credentials: repositoryCredential(), onError: 'continueRegularOutput' },
		);
		const [failed] = locked.json as Out[];
		expect(failed.error).toMatch(/stayed locked by another run for the whole lock wait \(3 s\)/);
		expect(failed.details.errorKind).toBe('conflict');

		const released = new Promise<void>((resolve) =>
			setTimeout(() => {
				twin.exec(`kill ${holder}`);
				resolve();
			}, 3_000),
		);
		const started = Date.now();
		const waited = await backup({
			backupSets: ['system'],
			repositoryOptions: { lockWait: 60 },
		});
		await released;
		expect(waited.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThan(3_000);
		expect((waited.json[0] as Out).snapshots).toHaveLength(1);
	}, 120_000);

	it('leaves the earlier snapshots intact when a backup is cut short, and never offers the cut run as latest', async () => {
		const latestHeadscale = async () =>
			(
				await runNode(
					'sshSetup',
					{
						operation: 'listSnapshots',
						listSets: ['headscale'],
						listOptions: { latestOnly: true },
					},
					{ credentials: repositoryCredential() },
				)
			).json as Out[];
		const before = snapshots(twin).map((s) => s.id);
		const latestBefore = await latestHeadscale();
		expect(latestBefore.length).toBeGreaterThan(0);
		// a big file after the database dump: the run is cut while restic reads it
		expect(twin.exec('head -c 400M /dev/urandom > /etc/headscale/big.bin').code).toBe(0);
		const cut = await runNode(
			'sshSetup',
			{
				operation: 'backup',
				backupMode: 'repository',
				backupSets: ['headscale'],
				connection: { commandTimeout: 3 },
			},
			{ credentials: repositoryCredential(), onError: 'continueRegularOutput' },
		);
		twin.exec('rm -f /etc/headscale/big.bin');
		expect((cut.json[0] as Out).error).toMatch(/timed out/);
		// restic does not outlive the run that started it, and the run's work folder is gone
		expect(
			twin.exec(
				'for i in $(seq 100); do pgrep -x restic >/dev/null || exit 0; sleep 0.1; done; exit 1',
			).code,
		).toBe(0);
		expect(sh(twin, 'ls -d /run/hli-restic.* 2>/dev/null || true')).toBe('');
		const after = snapshots(twin);
		expect(after.map((s) => s.id)).toEqual(expect.arrayContaining(before));
		const added = after.filter((s) => !before.includes(s.id));
		expect(added.filter((s) => s.tags.includes('part:manifest'))).toEqual([]);
		expect(await latestHeadscale()).toEqual(latestBefore);
		expect(restic(twin, 'check').code).toBe(0);

		// the next run works (the cut run's stale lock does not block it) and becomes the latest
		const next = await backup({ backupSets: ['headscale'], retention: { keepDaily: 30 } });
		expect(next.error).toBeUndefined();
		expect((await latestHeadscale())[0].time).not.toBe(latestBefore[0].time);
	}, 120_000);

	it('keeps exactly the snapshots the retention policy keeps, across simulated days, and only of the chosen sets', async () => {
		const host = 'retention-host';
		// another set of the same host, older than everything: retention of the system set leaves it alone
		const other = await backup({
			backupSets: ['headscale'],
			repositoryOptions: { hostName: host, snapshotTime: '2024-06-01T00:00:00Z' },
		});
		expect(other.error).toBeUndefined();
		const times = [
			'2025-01-20T10:00:00Z',
			'2025-02-03T10:00:00Z',
			'2025-02-10T10:00:00Z',
			'2025-02-11T10:00:00Z',
			'2025-02-12T10:00:00Z',
			'2025-02-13T10:00:00Z',
			'2025-02-13T11:00:00Z',
			'2025-02-13T11:30:00Z',
		];
		const runs = await runNode(
			'sshSetup',
			{
				operation: 'backup',
				backupMode: 'repository',
				backupSets: ['system'],
				// pruning (slow) only in the last run: forgetting is what decides what is kept
				retention: {
					keepHourly: 2,
					keepDaily: 3,
					keepWeekly: 2,
					keepMonthly: 2,
					prune: '={{ $json.time === "2025-02-13T11:30:00Z" }}',
				},
				repositoryOptions: { hostName: host, snapshotTime: '={{ $json.time }}' },
			},
			{ credentials: repositoryCredential(), input: times.map((time) => ({ time })) },
		);
		expect(runs.error).toBeUndefined();
		expect(runs.json).toHaveLength(times.length);
		// newest first: hourly keeps 11:30 and 10:00 of Feb 13 (not 11:00: same hour as 11:30); daily
		// Feb 13, 12, 11 (not Feb 10); weekly ISO weeks 7 and 6 (Feb 3); monthly February and January
		const kept = snapshots(twin)
			.filter((s) => s.hostname === host && s.tags.includes('set:system'))
			.filter((s) => s.tags.includes('part:files'))
			.map((s) => new Date(s.time).toISOString())
			.sort();
		expect(kept).toEqual(
			[
				'2025-01-20T10:00:00Z',
				'2025-02-03T10:00:00Z',
				'2025-02-11T10:00:00Z',
				'2025-02-12T10:00:00Z',
				'2025-02-13T10:00:00Z',
				'2025-02-13T11:30:00Z',
			].map((t) => new Date(t).toISOString()),
		);
		// every dropped run went whole: no manifest without its files, no files without a manifest
		const manifests = snapshots(twin)
			.filter((s) => s.hostname === host && s.tags.includes('set:system'))
			.filter((s) => s.tags.includes('part:manifest'))
			.map((s) => new Date(s.time).toISOString())
			.sort();
		expect(manifests).toEqual(kept);
		// the last run: 6 runs kept, the 11:00 run dropped (both its snapshots forgotten), data pruned
		const last = runs.json[times.length - 1] as Out;
		expect(last.retention).toMatchObject({ runsKept: 6, runsDropped: 1, pruned: true });
		expect(last.retention.forgotten).toHaveLength(2);
		expect((runs.json[0] as Out).retention).toMatchObject({
			runsKept: 1,
			runsDropped: 0,
			pruned: false,
		});
		expect(
			snapshots(twin).filter((s) => s.hostname === host && s.tags.includes('set:headscale')),
		).toHaveLength(3);

		const listed = await runNode(
			'sshSetup',
			{ operation: 'listSnapshots', listSets: ['system'], listOptions: { hostName: host } },
			{ credentials: repositoryCredential() },
		);
		expect(listed.json.map((s) => new Date(String(s.time)).toISOString())).toEqual(
			[...kept].reverse(),
		);
		expect(listed.json[0]).toMatchObject({ set: 'system', part: 'files', host });
		const latest = await runNode(
			'sshSetup',
			{ operation: 'listSnapshots', listOptions: { hostName: host, latestOnly: true } },
			{ credentials: repositoryCredential() },
		);
		expect(latest.json.map((s) => `${s.set}/${s.part}`).sort()).toEqual([
			'headscale/database',
			'headscale/files',
			'system/files',
		]);
	}, 180_000);

	it('backs up and restores the Heartbeat queue (as a database, n8n stopped around it) and n8n’s exports', async () => {
		expect(
			twin.exec(
				`cat > /usr/local/bin/n8n && chmod 0755 /usr/local/bin/n8n
useradd -m n8n && install -d -o n8n -g n8n /home/n8n/.n8n
sqlite3 ${QUEUE_DB} "PRAGMA journal_mode=WAL; CREATE TABLE queue (id INTEGER PRIMARY KEY, body BLOB); INSERT INTO queue (body) VALUES (randomblob(300)), (randomblob(500));"
chown n8n:n8n ${QUEUE_DB}
mkdir -p /var/lib/n8n-double
echo '[{"id":"wf1","name":"Publish route","nodes":[]}]' > /var/lib/n8n-double/workflow.json
printf '[Service]\\nExecStart=/bin/sleep infinity\\n' > /etc/systemd/system/n8n.service
systemctl daemon-reload && systemctl start n8n.service`,
				N8N_DOUBLE,
			).code,
		).toBe(0);
		const queue = databaseDigest(twin, QUEUE_DB);
		const made = await backup({
			backupSets: ['heartbeat', 'n8n'],
			setOptions: { heartbeatDatabase: QUEUE_DB },
		});
		expect(made.error).toBeUndefined();
		expect((made.json[0] as Out).snapshots.map((s: Out) => `${s.set}/${s.part}`)).toEqual([
			'heartbeat/database',
			'n8n/workflows',
			'n8n/credentials',
		]);

		// everything changes after the backup
		twin.exec(
			`sqlite3 ${QUEUE_DB} "DELETE FROM queue; INSERT INTO queue (body) VALUES (x'00')"
echo '[{"id":"wf2","name":"Something else"}]' > /var/lib/n8n-double/workflow.json
: > /var/lib/n8n-double/calls.log`,
		);
		const restored = await runNode(
			'sshSetup',
			{ operation: 'restore', restoreSets: ['heartbeat', 'n8n'] },
			{ credentials: repositoryCredential() },
		);
		expect(restored.error).toBeUndefined();
		const out = restored.json[0] as Out;
		expect(out.sets.find((s: Out) => s.set === 'heartbeat').unitsRestarted).toEqual(['n8n']);
		expect(sh(twin, 'systemctl is-active n8n.service')).toBe('active');
		expect(databaseDigest(twin, QUEUE_DB)).toBe(queue);
		expect(sh(twin, `stat -c %U ${QUEUE_DB}`)).toBe('n8n');
		expect(JSON.parse(sh(twin, 'cat /var/lib/n8n-double/workflow.json'))).toEqual([
			{ id: 'wf1', name: 'Publish route', nodes: [] },
		]);
		// an n8n without credentials exported an empty list: nothing to import
		expect(sh(twin, 'cat /var/lib/n8n-double/calls.log')).toBe('import:workflow level=error');
	}, 120_000);

	it('asks which host when several back up to the repository; a failed restore starts the services again and leaves no half-written file', async () => {
		const restore = (options: IDataObject = {}) =>
			runNode(
				'sshSetup',
				{ operation: 'restore', restoreSets: ['headscale'], restoreOptions: options },
				{ credentials: repositoryCredential(), onError: 'continueRegularOutput' },
			);
		const [ambiguous] = (await restore()).json as Out[];
		expect(ambiguous.error).toMatch(/^Invalid From Host Name: .*several hosts \(.*retention-host/);
		expect(ambiguous.details.errorKind).toBe('input');

		expect(twin.exec('systemctl start headscale.service').code).toBe(0);
		const started = sh(
			twin,
			'systemctl show -p ActiveEnterTimestampMonotonic --value headscale.service',
		);
		const inode = sh(twin, `stat -c %i ${HEADSCALE_DB}`);
		// the database is rebuilt with sqlite3: a broken one makes the restore fail half way
		twin.exec(
			"mv /usr/bin/sqlite3 /usr/bin/sqlite3.real && printf '#!/bin/sh\\necho broken for the test >&2\\nexit 1\\n' > /usr/bin/sqlite3 && chmod 0755 /usr/bin/sqlite3",
		);
		let failed: Out;
		try {
			[failed] = (await restore({ hostName: sh(twin, 'hostname') })).json as Out[];
		} finally {
			twin.exec('mv -f /usr/bin/sqlite3.real /usr/bin/sqlite3');
		}
		expect(failed.error).toMatch(/^Restoring headscale failed/);
		expect(sh(twin, 'systemctl is-active headscale.service')).toBe('active');
		expect(
			sh(twin, 'systemctl show -p ActiveEnterTimestampMonotonic --value headscale.service'),
		).not.toBe(started);
		expect(sh(twin, `stat -c %i ${HEADSCALE_DB}`)).toBe(inode);
		expect(sh(twin, "find /var/lib/headscale -name '.hli-restore.*'")).toBe('');
		expect(sh(twin, 'ls -d /run/hli-restic.* 2>/dev/null || true')).toBe('');
		twin.exec('systemctl stop headscale.service');
	}, 120_000);

	it('checks every input before it connects: a bad value changes nothing on the server', async () => {
		const fresh = '/srv/restic/never-created';
		for (const [parameters, credential, field] of [
			[
				{ setOptions: { headscaleDatabase: "/var/lib/x.db'; touch /tmp/pwned #" } },
				{},
				'Headscale Database',
			],
			[{ retention: { keepDaily: -1 } }, {}, 'Keep Daily'],
			[{ repositoryOptions: { hostName: 'a,b' } }, {}, 'Host Name'],
			[{ repositoryOptions: { snapshotTime: 'yesterday' } }, {}, 'Snapshot Time'],
			[{}, { password: 'two\nlines' }, 'Repository Password'],
			[{}, { path: '/srv/../etc' }, 'Path'],
		] as Array<[IDataObject, IDataObject, string]>) {
			const result = await runNode(
				'sshSetup',
				{ operation: 'backup', backupMode: 'repository', backupSets: ['headscale'], ...parameters },
				{
					credentials: repositoryCredential({ path: fresh, ...credential }),
					onError: 'continueRegularOutput',
				},
			);
			const [failed] = result.json as Out[];
			expect(failed.error).toMatch(new RegExp(`^Invalid ${field}:`));
			expect(failed.details.errorKind).toBe('input');
		}
		expect(twin.exec(`test -e ${fresh} || test -e /tmp/pwned`).code).not.toBe(0);
	}, 60_000);
});
