/**
 * The VPS twin's root filesystem: built once with debootstrap from the host's own Debian mirror and
 * cached as a tarball outside the checkout, keyed by everything that shapes it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Everything the SSH Setup steps expect to find installed: the twin has no route to a package mirror. */
export const TWIN_PACKAGES = [
	'systemd',
	'systemd-sysv',
	'openssh-server',
	'dbus',
	'iproute2',
	'sudo',
	'python3',
	'ufw',
	'iptables',
	'nftables',
	'fail2ban',
	'python3-systemd',
	'unattended-upgrades',
	'wireguard-tools',
	'caddy',
	'curl',
	'ca-certificates',
	'procps',
	'sqlite3',
	'postgresql-client',
	'restic',
];

const SUITE = 'bookworm';
const BUILD_SCRIPT = join(__dirname, 'build-rootfs.sh');

/** Same folder as scripts/node24.sh's homelab_cache_dir. */
export function homelabCacheDir(): string {
	const base = process.env.XDG_CACHE_HOME || join(process.env.HOME || homedir(), '.cache');
	return process.env.HOMELAB_INGRESS_CACHE || join(base, 'n8n-nodes-homelab-ingress');
}

/** The Debian mirror the host's apt uses for `suite` (deb822 .sources or one-line sources.list). */
export function hostDebianMirror(suite = SUITE): string | undefined {
	const files = ['/etc/apt/sources.list'];
	if (existsSync('/etc/apt/sources.list.d')) {
		for (const name of readdirSync('/etc/apt/sources.list.d')) {
			if (/\.(list|sources)$/.test(name)) files.push(join('/etc/apt/sources.list.d', name));
		}
	}
	for (const file of files.filter((f) => existsSync(f))) {
		const text = readFileSync(file, 'utf8');
		if (file.endsWith('.sources')) {
			for (const stanza of text.split(/\n\s*\n/)) {
				const field = (name: string) =>
					new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1].trim();
				const suites = field('Suites')?.split(/\s+/) ?? [];
				const uri = field('URIs')?.split(/\s+/)[0];
				if (uri && suites.includes(suite) && /^deb\b/.test(field('Types') ?? '')) return uri;
			}
		} else {
			for (const line of text.split('\n')) {
				const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
				if (match && match[2] === suite) return match[1];
			}
		}
	}
	return undefined;
}

export function rootfsTarball(mirror: string): string {
	const key = createHash('sha256')
		.update([SUITE, mirror, TWIN_PACKAGES.join(','), readFileSync(BUILD_SCRIPT, 'utf8')].join('\n'))
		.digest('hex')
		.slice(0, 16);
	return join(homelabCacheDir(), `vps-twin-${SUITE}-${key}.tar`);
}

function missingTool(): string | undefined {
	for (const tool of ['unshare', 'nsenter', 'ip', 'tar']) {
		if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
			return `${tool} is not installed`;
	}
	return undefined;
}

/** Returns the cached tarball, building it when missing; or the reason the twin cannot be had. */
export function ensureTwinRootfs(): { tarball?: string; reason?: string } {
	if (process.getuid?.() !== 0)
		return { reason: 'the VPS twin needs root (namespaces, chroot, veth)' };
	const tool = missingTool();
	if (tool) return { reason: tool };
	const mirror = hostDebianMirror();
	if (!mirror) return { reason: `no "${SUITE}" Debian mirror in the host's apt sources` };
	const tarball = rootfsTarball(mirror);
	if (existsSync(tarball)) return { tarball };
	mkdirSync(homelabCacheDir(), { recursive: true });
	process.stderr.write(`\n[twin] building the VPS twin rootfs (about a minute) into ${tarball}\n`);
	const build = spawnSync('bash', [BUILD_SCRIPT, mirror, SUITE, tarball, TWIN_PACKAGES.join(',')], {
		encoding: 'utf8',
		timeout: 20 * 60_000,
	});
	if (build.status !== 0 || !existsSync(tarball)) {
		return {
			reason: `debootstrap failed: ${(build.stderr || build.error?.message || '').slice(-600)}`,
		};
	}
	return { tarball };
}
