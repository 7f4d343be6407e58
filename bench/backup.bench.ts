/**
 * restic backups through SSH Setup on the VPS twin (issue 13, Proof), to a home backup box over SFTP
 * (a second twin) on a link shaped to 100 Mbit/s, a home connection's order of magnitude:
 *   a) the first backup of 1 GB of mixed files (300 × 3 MiB random, 10,000 small text files) is the
 *      baseline; an unchanged re-run must take ≤ 10 % of its time;
 *   b) after 1 % of the files changed (3 big files rewritten, 100 small ones appended to), the bytes
 *      the run adds must be about the change (between 0.5 and 1.5 times the bytes of the changed files;
 *      the rest is restic's directory metadata);
 *   c) the node's process memory stays flat: its peak RSS grows by ≤ 100 MB during the 1 GB backup,
 *      and by about as much as during a warm-up backup of 100 MB into another repository.
 * The same three runs into a folder on the VPS itself are printed for reference: there the first run
 * is disk speed, and the fixed cost of a run (each restic command derives the repository key, which
 * restic calibrates to take about half a second) dominates the re-run.
 * Run: npx ts-node --transpile-only bench/backup.bench.ts (as root; boots and stops its own twins).
 */
import { performance } from 'node:perf_hooks';
import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../test/support/engine';
import { linkTwins, startTwin, twinCredentials, type Twin } from '../test/support/twin';
import { prepareBackupBox } from '../test/support/twin/backupBox';
import { ensureTwinRootfs } from '../test/support/twin/rootfs';

const DATA = '/var/lib/headscale/bench';
const BIG_FILES = 300;
const BIG_MIB = 3;
const SMALL_FILES = 10_000;
const PASSWORD = 'bench repository password';
const LINK_RATE = '100mbit';

interface Run {
	ms: number;
	bytesAdded: number;
	files: number;
	peakGrowthMb: number;
}

function must(twin: Twin, script: string): string {
	const result = twin.exec(script);
	if (result.code !== 0) throw new Error(`twin: ${script.slice(0, 120)} failed: ${result.stderr}`);
	return result.stdout;
}

/** Big random files and small compressible text files under `dir`. */
function makeData(twin: Twin, dir: string, big: number, small: number): void {
	must(
		twin,
		`set -e
mkdir -p ${dir}/big ${dir}/small
for i in $(seq 1 ${big}); do head -c ${BIG_MIB}M /dev/urandom > ${dir}/big/$i.bin; done
seed=$(head -c 6000 /dev/urandom | base64 -w 0)
for d in $(seq 1 100); do mkdir -p ${dir}/small/$d; done
for i in $(seq 1 ${small}); do printf 'file %d %s\\n' "$i" "\${seed:$((i % 4000)):$((2000 + i % 6000))}" > ${dir}/small/$((i % 100 + 1))/$i.txt; done`,
	);
}

async function backup(
	credentials: Record<string, IDataObject>,
	repository: IDataObject,
): Promise<Run> {
	global.gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
	const start = performance.now();
	const result = await runNode(
		'sshSetup',
		{
			operation: 'backup',
			backupMode: 'repository',
			backupSets: ['headscale'],
			connection: { commandTimeout: 3600 },
		},
		{
			credentials: {
				...credentials,
				homelabResticApi: { ...repository, password: PASSWORD },
			},
		},
	);
	const ms = performance.now() - start;
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	if (result.error)
		throw new Error(`backup failed: ${result.error.message} ${result.error.description ?? ''}`);
	const out = result.json[0] as { bytesAdded: number; filesNew: number; filesChanged: number };
	return {
		ms,
		bytesAdded: out.bytesAdded,
		files: out.filesNew + out.filesChanged,
		peakGrowthMb: (peak - baseline) / 2 ** 20,
	};
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const line = (label: string, run: Run) =>
	console.log(
		`  ${label.padEnd(16)} ${(run.ms / 1000).toFixed(1).padStart(6)} s  ${mib(run.bytesAdded).padStart(11)} added  ${String(run.files).padStart(6)} files new/changed  RSS +${run.peakGrowthMb.toFixed(1)} MB`,
	);

/** First backup, unchanged re-run, 1 % changed, into one repository; returns whether the targets hold. */
async function series(
	twin: Twin,
	credentials: Record<string, IDataObject>,
	repository: IDataObject,
	title: string,
): Promise<boolean> {
	makeData(twin, DATA, BIG_FILES, SMALL_FILES);
	const total = Number(must(twin, `du -sb ${DATA} | cut -f1`));
	const first = await backup(credentials, repository);
	const unchanged = await backup(credentials, repository);
	// 1 % of the files: 3 big ones rewritten, 100 small ones appended to
	const changed = Number(
		must(
			twin,
			`set -e
for i in 1 2 3; do head -c ${BIG_MIB}M /dev/urandom > ${DATA}/big/$i.bin; done
for i in $(seq 1 100); do f=$(ls ${DATA}/small/$i/*.txt | head -n 1); head -c 512 /dev/urandom | base64 >> "$f"; done
{ for i in 1 2 3; do stat -c %s ${DATA}/big/$i.bin; done; for i in $(seq 1 100); do stat -c %s $(ls ${DATA}/small/$i/*.txt | head -n 1); done; } | awk '{ s += $1 } END { print s }'`,
		),
	);
	const onePercent = await backup(credentials, repository);
	must(twin, `rm -rf ${DATA}`);

	console.log(`${title}: ${mib(total)} in ${BIG_FILES + SMALL_FILES} files`);
	line('first (1 GB)', first);
	line('unchanged', unchanged);
	line('1 % changed', onePercent);
	const rerunRatio = unchanged.ms / first.ms;
	const addedRatio = onePercent.bytesAdded / changed;
	console.log(
		`  unchanged re-run / first = ${(rerunRatio * 100).toFixed(1)} % (target ≤ 10 %); it added ${mib(unchanged.bytesAdded)}`,
	);
	console.log(
		`  1 % changed: ${mib(onePercent.bytesAdded)} added for ${mib(changed)} of changed files = ${addedRatio.toFixed(2)} × (target 0.5–1.5 ×)`,
	);
	const growth = Math.max(first.peakGrowthMb, unchanged.peakGrowthMb, onePercent.peakGrowthMb);
	console.log(`  node RSS growth ≤ ${growth.toFixed(1)} MB (target ≤ 100 MB)`);
	return rerunRatio <= 0.1 && addedRatio >= 0.5 && addedRatio <= 1.5 && growth <= 100;
}

async function main(): Promise<void> {
	const { reason } = ensureTwinRootfs();
	if (reason) {
		console.log(`skipped: the VPS twin is unavailable (${reason})`);
		return;
	}
	const [twin, box] = await Promise.all([startTwin(), startTwin()]);
	let ok = false;
	try {
		const credentials = twinCredentials(twin);
		const login = prepareBackupBox(box);
		const link = linkTwins(twin, box);
		// what leaves the VPS towards the box goes at home-connection speed
		must(
			twin,
			`dev=$(ip -o addr show to ${link.a} | awk '{print $2}'); tc qdisc add dev "$dev" root tbf rate ${LINK_RATE} burst 256kb latency 50ms`,
		);
		const sftp = {
			repositoryType: 'sftp',
			sftpHost: link.b,
			sftpUser: login.user,
			sftpPath: `${login.folder}/bench`,
			sftpPrivateKey: login.privateKey,
			sftpHostKey: login.hostKey,
		};
		// Warm-up (module loading, the restic check) on 100 MB, in a repository of its own.
		makeData(twin, DATA, BIG_FILES / 10, SMALL_FILES / 10);
		const warm = await backup(credentials, {
			repositoryType: 'local',
			path: '/srv/restic/warm-up',
		});
		must(twin, `rm -rf ${DATA}`);
		console.log('restic Backup through SSH Setup (headscale set) on the VPS twin');
		line('warm-up 100 MB', warm);
		ok = await series(twin, credentials, sftp, `to the backup box over SFTP at ${LINK_RATE}/s`);
		await series(
			twin,
			credentials,
			{ repositoryType: 'local', path: '/srv/restic/local' },
			'for reference, to a folder on the VPS',
		);
	} finally {
		await Promise.all([twin.stop(), box.stop()]);
	}
	console.log(
		ok ? 'PASS: all targets met (SFTP series)' : 'FAIL: a target was missed (SFTP series)',
	);
	process.exitCode = ok ? 0 : 1;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
