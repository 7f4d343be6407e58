/**
 * Debian package files for a twin that has to install a package the way a real VPS would (apt-get
 * install) without a route to a mirror: apt takes a file from its archive cache when it matches the
 * package lists baked into the twin, which come from the same mirror as the host's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { homelabCacheDir } from './rootfs';

const HOST_ARCHIVES = '/var/cache/apt/archives';

function find(dir: string, name: string): string | undefined {
	if (!existsSync(dir)) return undefined;
	const file = readdirSync(dir).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
	return file ? join(dir, file) : undefined;
}

/** The package's .deb from the host's apt cache, or downloaded once (apt-get download) into the test cache. */
export function debianPackageFile(name: string): string {
	const cached = find(HOST_ARCHIVES, name) ?? find(join(homelabCacheDir(), 'debs'), name);
	if (cached) return cached;
	const dir = join(homelabCacheDir(), 'debs');
	mkdirSync(dir, { recursive: true });
	const download = spawnSync('apt-get', ['download', name], {
		cwd: dir,
		encoding: 'utf8',
		timeout: 300_000,
	});
	const file = find(dir, name);
	if (download.status !== 0 || !file)
		throw new Error(`apt-get download ${name} failed: ${(download.stderr ?? '').slice(-300)}`);
	return file;
}
