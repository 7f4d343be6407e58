/**
 * What cloud-init does on a Vultr instance's first boot, applied to a twin's rootfs before it boots:
 * the account's SSH keys (Vultr's `sshkey_id`) for root, `users` with their keys, `hostname`, and the
 * host keys of `ssh_deletekeys` + `ssh_keys`. Packages and upgrades are not applied: the twin has no
 * mirror, and its rootfs already holds what SSH Setup installs.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import YAML from 'yaml';

export interface CloudConfig {
	hostname?: string;
	users?: Array<
		| string
		| {
				name: string;
				ssh_authorized_keys?: string[];
				sudo?: string | string[];
				shell?: string;
		  }
	>;
	ssh_authorized_keys?: string[];
	ssh_deletekeys?: boolean;
	ssh_keys?: Record<string, string>;
}

/** The `#cloud-config` document of base64 user data; `{}` for none or for a script. */
export function parseUserData(base64: string): CloudConfig {
	const text = Buffer.from(base64, 'base64').toString('utf8');
	if (!text.startsWith('#cloud-config')) return {};
	// YAML 1.1 as cloud-init (PyYAML) reads it.
	return (YAML.parse(text, { version: '1.1' }) as CloudConfig | null) ?? {};
}

const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const KEY_TYPE = /^(rsa|ecdsa|ed25519)$/;

function run(rootfs: string, args: string[]): void {
	const result = spawnSync('chroot', [rootfs, ...args], { encoding: 'utf8', timeout: 30_000 });
	if (result.status !== 0)
		throw new Error(`cloud-init double: ${args[0]} failed: ${(result.stderr ?? '').slice(-300)}`);
}

function writeAuthorizedKeys(rootfs: string, home: string, owner: string, keys: string[]): void {
	const dir = join(rootfs, home, '.ssh');
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	writeFileSync(join(dir, 'authorized_keys'), keys.map((key) => `${key.trim()}\n`).join(''), {
		mode: 0o600,
	});
	run(rootfs, ['chown', '-R', `${owner}:${owner}`, `${home}/.ssh`]);
}

function installHostKeys(rootfs: string, keys: Record<string, string>, deleteOld: boolean): void {
	const sshDir = join(rootfs, 'etc/ssh');
	if (deleteOld)
		for (const file of readdirSync(sshDir))
			if (file.startsWith('ssh_host_')) rmSync(join(sshDir, file));
	for (const [name, value] of Object.entries(keys)) {
		const match = /^(\w+)_(private|public)$/.exec(name);
		if (!match || !KEY_TYPE.test(match[1])) continue;
		const path = join(sshDir, `ssh_host_${match[1]}_key${match[2] === 'public' ? '.pub' : ''}`);
		writeFileSync(path, value.endsWith('\n') ? value : `${value}\n`);
		chmodSync(path, match[2] === 'private' ? 0o600 : 0o644);
	}
}

/** Applies the user data and the instance's SSH keys to the unpacked rootfs, as the first boot would. */
export function applyCloudInit(rootfs: string, config: CloudConfig, rootKeys: string[]): void {
	writeAuthorizedKeys(rootfs, '/root', 'root', [
		...rootKeys,
		...(config.ssh_authorized_keys ?? []),
	]);
	for (const entry of config.users ?? []) {
		if (typeof entry === 'string' || !USER_NAME.test(entry.name) || entry.name === 'root') continue;
		run(rootfs, ['useradd', '--create-home', '--shell', entry.shell ?? '/bin/bash', entry.name]);
		writeAuthorizedKeys(rootfs, `/home/${entry.name}`, entry.name, entry.ssh_authorized_keys ?? []);
		const sudo = [entry.sudo ?? []].flat();
		if (sudo.length)
			writeFileSync(
				join(rootfs, 'etc/sudoers.d', `90-cloud-init-${entry.name}`),
				sudo.map((rule) => `${entry.name} ${rule}\n`).join(''),
				{ mode: 0o440 },
			);
	}
	if (config.hostname) writeFileSync(join(rootfs, 'etc/hostname'), `${config.hostname}\n`);
	if (config.ssh_keys) installHostKeys(rootfs, config.ssh_keys, config.ssh_deletekeys !== false);
}
