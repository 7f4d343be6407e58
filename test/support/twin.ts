/**
 * The VPS twin: a fresh copy of a cached Debian 12 rootfs booted with systemd as PID 1 in private
 * PID/mount/UTS/IPC/net namespaces, reached over a veth pair with addresses from 198.18.0.0/15 (the
 * range reserved for test networks). Each test file boots one and stops it by SIGKILL to the PID
 * it started, then checks that no process or mount of the twin is left.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	rmSync,
	statSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CredentialSeed } from '../../scripts/n8n-instance';
import { waitFor } from './process';
import { markUnavailable } from './servers';
import { ensureTwinRootfs } from './twin/rootfs';

export interface ExecResult {
	code: number;
	stdout: string;
	stderr: string;
}

export interface Twin {
	/** The twin's own address on the veth (the only address tests may send to). */
	address: string;
	hostAddress: string;
	rootfs: string;
	/** Host PID of the twin's systemd (PID 1 inside). */
	pid: number;
	/** Host key fingerprint (ed25519), as `ssh-keygen -lf` prints it. */
	fingerprint: string;
	/** The test's private key, authorized for root. */
	privateKey: string;
	publicKey: string;
	/** Runs a command inside the twin through nsenter: independent of the node's SSH code. */
	exec(script: string, stdin?: string): ExecResult;
	/** A fresh empty directory inside the twin (mktemp -d), for marker files a test looks for. */
	scratchDir(): string;
	stop(): Promise<void>;
}

const BOOT_TIMEOUT_MS = 60_000;
const NSENTER_TIMEOUT_MS = 60_000;

function sh(
	command: string,
	args: string[],
	input?: string,
	timeout = NSENTER_TIMEOUT_MS,
): ExecResult {
	const result = spawnSync(command, args, {
		input,
		encoding: 'utf8',
		timeout,
		maxBuffer: 64 * 1024 * 1024,
	});
	return {
		code: result.status ?? -1,
		stdout: result.stdout ?? '',
		stderr: result.stderr ?? result.error?.message ?? '',
	};
}

function must(what: string, result: ExecResult): ExecResult {
	if (result.code !== 0)
		throw new Error(`${what} failed (${result.code}): ${result.stderr.slice(-500)}`);
	return result;
}

function unpack(tarball: string, rootfs: string): Promise<ExecResult> {
	return new Promise((resolve) => {
		const tar = spawn('tar', ['-C', rootfs, '--numeric-owner', '-xf', tarball], {
			stdio: ['ignore', 'ignore', 'pipe'],
			timeout: 300_000,
		});
		let stderr = '';
		tar.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
		tar.once('error', (error) => resolve({ code: -1, stdout: '', stderr: error.message }));
		tar.once('close', (code) => resolve({ code: code ?? -1, stdout: '', stderr }));
	});
}

/** Called from Jest's global setup. Under CI the twin is required; elsewhere its tests skip with the reason. */
export function prepareTwin(): void {
	const { reason } = ensureTwinRootfs();
	if (reason) markUnavailable('twin', reason);
}

/** A /30 in 198.18.0.0/15 not yet used on this host (parallel test files each get their own). */
function pickSubnet(): { host: string; twin: string } {
	const used = sh('ip', ['-4', '-o', 'addr', 'show']).stdout;
	for (;;) {
		const block = randomBytes(2).readUInt16BE(0) >> 1; // 15 bits of /30 blocks
		const base = 198 * 2 ** 24 + 18 * 2 ** 16 + block * 4;
		const ip = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
		const host = ip(base + 1);
		if (!used.includes(` ${host}/`)) return { host, twin: ip(base + 2) };
	}
}

function childPid(parent: number): number | undefined {
	for (const task of readdirSync(`/proc/${parent}/task`)) {
		const children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').trim();
		if (children) return Number(children.split(/\s+/)[0]);
	}
	return undefined;
}

function tcpBanner(host: string, port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect({ host, port, timeout: 2_000 });
		socket.once('data', (data) => {
			socket.destroy();
			resolve(data.toString().startsWith('SSH-'));
		});
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
	});
}

/** Processes whose PID namespace is the twin's. */
function processesIn(pidNamespace: string): number[] {
	const found: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (readlinkSync(`/proc/${entry}/ns/pid`) === pidNamespace) found.push(Number(entry));
		} catch {
			// the process ended while we looked
		}
	}
	return found;
}

const BOOT_SCRIPT = `set -e
mount --make-rprivate /
mount --bind "$ROOTFS" "$ROOTFS"
mount -t proc proc "$ROOTFS/proc"
mount --rbind /sys "$ROOTFS/sys"
mount -t tmpfs tmpfs "$ROOTFS/run"
mount -t tmpfs tmpfs "$ROOTFS/tmp"
mount --rbind /dev "$ROOTFS/dev"
exec chroot "$ROOTFS" /lib/systemd/systemd --system --log-target=null`;

export interface TwinOptions {
	/** Prepares the unpacked rootfs before boot (gets its path). */
	prepare?: (rootfs: string) => void;
}

export async function startTwin(options: TwinOptions = {}): Promise<Twin> {
	const { tarball, reason } = ensureTwinRootfs();
	if (!tarball) throw new Error(`VPS twin unavailable: ${reason}`);
	const dir = mkdtempSync(join(tmpdir(), 'hli-twin-'));
	const rootfs = join(dir, 'rootfs');
	must('mkdir', sh('mkdir', [rootfs]));
	// Not spawnSync: a simulator in this process (Vultr's, booting a twin per instance) keeps answering.
	must('unpacking the twin rootfs', await unpack(tarball, rootfs));
	const inRoot = (args: string[]) =>
		must(`chroot ${args.join(' ')}`, sh('chroot', [rootfs, ...args]));
	inRoot(['ssh-keygen', '-q', '-A']);
	inRoot([
		'ssh-keygen',
		'-q',
		'-t',
		'ed25519',
		'-N',
		'',
		'-C',
		'hli-twin-test',
		'-f',
		'/root/hli-test-key',
	]);
	const privateKey = readFileSync(join(rootfs, 'root/hli-test-key'), 'utf8');
	const publicKey = readFileSync(join(rootfs, 'root/hli-test-key.pub'), 'utf8').trim();
	rmSync(join(rootfs, 'root/hli-test-key'));
	inRoot([
		'sh',
		'-c',
		'install -d -m 700 /root/.ssh && cat /root/hli-test-key.pub > /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys',
	]);
	const fingerprint = inRoot([
		'ssh-keygen',
		'-lf',
		'/etc/ssh/ssh_host_ed25519_key.pub',
	]).stdout.split(/\s+/)[1];
	options.prepare?.(rootfs);

	const child: ChildProcess = spawn(
		'unshare',
		['--pid', '--mount', '--uts', '--ipc', '--net', '--fork', 'bash', '-c', BOOT_SCRIPT],
		{ env: { ...process.env, ROOTFS: rootfs }, stdio: ['ignore', 'ignore', 'pipe'] },
	);
	let bootErrors = '';
	child.stderr?.on(
		'data',
		(chunk: Buffer) => (bootErrors = (bootErrors + chunk.toString()).slice(-4000)),
	);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

	let pid = 0;
	const suffix = randomBytes(3).toString('hex');
	const hostIf = `hlih${suffix}`;
	const twinIf = `hlit${suffix}`;
	const subnet = pickSubnet();
	let pidNamespace = '';

	const stop = async () => {
		if (pid) process.kill(pid, 'SIGKILL');
		else if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
		// The fallback timer is cleared once the twin exits: a pending one is what kept Jest from exiting.
		let fallback: NodeJS.Timeout | undefined;
		await Promise.race([exited, new Promise((r) => (fallback = setTimeout(r, 15_000)))]);
		clearTimeout(fallback);
		if (pidNamespace)
			await waitFor(
				"the twin's processes to end",
				async () => processesIn(pidNamespace).length === 0,
				15_000,
			);
		if (sh('ip', ['link', 'show', hostIf]).code === 0) sh('ip', ['link', 'del', hostIf]);
		const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
			.split('\n')
			.filter((l) => l.includes(rootfs));
		if (mounts.length) throw new Error(`twin mounts remain on the host: ${mounts.join('; ')}`);
		rmSync(dir, { recursive: true, force: true });
	};

	try {
		await waitFor(
			"the twin's systemd",
			async () => (child.pid ? (pid = childPid(child.pid) ?? 0) > 0 : false),
			10_000,
		);
		await waitFor(
			'systemd to exec in the twin',
			async () => readlinkSync(`/proc/${pid}/exe`).endsWith('systemd'),
			10_000,
		);
		pidNamespace = readlinkSync(`/proc/${pid}/ns/pid`);
		must('veth create', sh('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', twinIf]));
		must('veth move', sh('ip', ['link', 'set', twinIf, 'netns', String(pid)]));
		must('host address', sh('ip', ['addr', 'add', `${subnet.host}/30`, 'dev', hostIf]));
		must('host link up', sh('ip', ['link', 'set', hostIf, 'up']));
		const nsNet = (args: string[]) =>
			must(`twin ${args.join(' ')}`, sh('nsenter', ['-t', String(pid), '-n', ...args]));
		nsNet(['ip', 'link', 'set', 'lo', 'up']);
		nsNet(['ip', 'addr', 'add', `${subnet.twin}/30`, 'dev', twinIf]);
		nsNet(['ip', 'link', 'set', twinIf, 'up']);
		await waitFor('sshd in the twin', () => tcpBanner(subnet.twin, 22), BOOT_TIMEOUT_MS, 250);
	} catch (error) {
		await stop().catch(() => undefined);
		throw new Error(`${(error as Error).message}\n${bootErrors}`);
	}

	const exec = (script: string, stdin?: string) =>
		sh(
			'nsenter',
			['-t', String(pid), '-m', '-p', '-n', '-u', '-i', '-r', '-w', '--', 'bash', '-c', script],
			stdin,
		);
	return {
		address: subnet.twin,
		hostAddress: subnet.host,
		rootfs,
		pid,
		fingerprint,
		privateKey,
		publicKey,
		exec,
		scratchDir: () => must('mktemp in the twin', exec('mktemp -d')).stdout.trim(),
		stop,
	};
}

/**
 * A veth pair straight between two twins' network namespaces, with a /30 from 198.18.0.0/15: the two
 * reach each other (e.g. a VPS and a home backup box) and nothing else. It goes away with either twin.
 */
export function linkTwins(a: Twin, b: Twin): { a: string; b: string } {
	const subnet = pickSubnet();
	const suffix = randomBytes(3).toString('hex');
	const ends = [
		{ twin: a, name: `hlia${suffix}`, address: subnet.host },
		{ twin: b, name: `hlib${suffix}`, address: subnet.twin },
	];
	must(
		'veth create',
		sh('ip', ['link', 'add', ends[0].name, 'type', 'veth', 'peer', 'name', ends[1].name]),
	);
	for (const end of ends) {
		must('veth move', sh('ip', ['link', 'set', end.name, 'netns', String(end.twin.pid)]));
		const inTwin = (args: string[]) =>
			must(`twin ${args.join(' ')}`, sh('nsenter', ['-t', String(end.twin.pid), '-n', ...args]));
		inTwin(['ip', 'addr', 'add', `${end.address}/30`, 'dev', end.name]);
		inTwin(['ip', 'link', 'set', end.name, 'up']);
	}
	return { a: subnet.host, b: subnet.twin };
}

/** The node's SSH credential for the twin: root with the test key and the pinned host key. */
export function twinCredentials(twin: Twin): Record<string, Record<string, string | number>> {
	return {
		homelabSshApi: {
			host: twin.address,
			port: 22,
			username: 'root',
			privateKey: twin.privateKey,
			hostKeyFingerprint: twin.fingerprint,
		},
	};
}

/** The shipped workflows' "VPS SSH (root)" credential, for seeding a real n8n that reaches `twin`. */
export function twinSshCredentialSeed(twin: Twin): CredentialSeed {
	return {
		id: 'hliVpsSsh01',
		name: 'VPS SSH (root)',
		type: 'homelabSshApi',
		data: {
			host: twin.address,
			port: '22',
			username: 'root',
			privateKey: twin.privateKey,
			hostKeyFingerprint: twin.fingerprint,
		},
	};
}

/** Files under the twin's rootfs, as the host sees them (for checks that need no command). */
export function twinFile(twin: Twin, path: string): string | undefined {
	const full = join(twin.rootfs, path);
	return existsSync(full) && statSync(full).isFile() ? readFileSync(full, 'utf8') : undefined;
}
