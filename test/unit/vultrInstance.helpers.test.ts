import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';
import { utils } from 'ssh2';
import YAML from 'yaml';

import { fingerprintOf } from '../../lib/ssh-fingerprint';
import { desiredRules, planRules } from '../../nodes/VultrInstance/helpers/firewallRules';
import { generateHostKey } from '../../nodes/VultrInstance/helpers/hostKey';
import { pollUntilReady } from '../../nodes/VultrInstance/helpers/readiness';
import { snapshotsToPrune } from '../../nodes/VultrInstance/helpers/snapshotPrune';
import { buildUserData } from '../../nodes/VultrInstance/helpers/userData';
import { describeWithServer } from '../support/servers';

describe('host key generation', () => {
	it('never hands out a key that cannot be read back (ssh2 writes about 1 in 200 such keys)', () => {
		// with the keys unchecked, 1,500 draws hit an unreadable one with a probability above 99.9 %
		const unreadable = Array.from({ length: 1_500 }, () => generateHostKey('edge')).filter(
			(key) => utils.parseKey(key.privateKey) instanceof Error,
		);
		expect(unreadable).toEqual([]);
	});

	const key = generateHostKey('edge');

	it('outputs an OpenSSH SHA256 fingerprint of the public key', () => {
		expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
		expect(key.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA[A-Za-z0-9+/]+ edge$/);
	});

	// Global setup installs openssh-client (see describeWithServer for when it cannot).
	describeWithServer('ssh-keygen', 'checked by OpenSSH', () => {
		it('produces a private key that ssh-keygen reads and fingerprints the same way', () => {
			const dir = mkdtempSync(join(tmpdir(), 'hostkey-'));
			try {
				writeFileSync(join(dir, 'key'), key.privateKey, { mode: 0o600 });
				const derived = execFileSync('ssh-keygen', ['-y', '-f', join(dir, 'key')])
					.toString()
					.trim();
				expect(derived.split(' ').slice(0, 2)).toEqual(key.publicKey.split(' ').slice(0, 2));
				const printed = execFileSync('ssh-keygen', [
					'-l',
					'-E',
					'sha256',
					'-f',
					join(dir, 'key'),
				]).toString();
				expect(printed).toContain(key.fingerprint);
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		});
	});

	it('is an OpenSSH private key that ssh2 reads back as the same ed25519 key', () => {
		expect(key.privateKey).toMatch(
			/^-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END OPENSSH PRIVATE KEY-----\n$/,
		);
		const parsed = utils.parseKey(key.privateKey);
		if (parsed instanceof Error) throw parsed;
		expect(parsed.type).toBe('ssh-ed25519');
		expect(parsed.isPrivateKey()).toBe(true);
		expect(parsed.comment).toBe('edge');
		expect(fingerprintOf(parsed.getPublicSSH())).toBe(key.fingerprint);
	});

	it('is a new key every time', () => {
		expect(generateHostKey('edge').fingerprint).not.toBe(key.fingerprint);
	});

	it('refuses a pinned key without cloud-init, naming the field', () => {
		expect(() =>
			buildUserData({
				mode: 'raw',
				raw: '#!/bin/sh',
				packages: '',
				upgrade: false,
				pinHostKey: true,
			}),
		).toThrow('Invalid Pin Host Key');
	});
});

describe('cloud-init user data', () => {
	const cloudInit = (settings: { packages?: string; upgrade?: boolean; pinHostKey?: boolean }) =>
		buildUserData({
			mode: 'cloudInit',
			raw: '',
			packages: settings.packages ?? '',
			upgrade: settings.upgrade ?? true,
			pinHostKey: settings.pinHostKey ?? false,
			hostname: 'edge.example.com',
		});
	const text = (encoded?: string) => Buffer.from(encoded ?? '', 'base64').toString('utf8');
	// cloud-init reads user data with PyYAML, i.e. YAML 1.1
	const parse = (encoded?: string) => YAML.parse(text(encoded), { version: '1.1' }) as IDataObject;

	it('is "#cloud-config" and one YAML document holding exactly the settings', () => {
		const result = cloudInit({ packages: 'fail2ban, unattended-upgrades', upgrade: false });
		expect(text(result.encoded).split('\n')[0]).toBe('#cloud-config');
		expect(parse(result.encoded)).toEqual({
			hostname: 'edge.example.com',
			preserve_hostname: false,
			package_update: true,
			package_upgrade: false,
			packages: ['fail2ban', 'unattended-upgrades'],
		});
		expect(result.hostKeyFingerprint).toBeUndefined();
	});

	it('keeps package names that YAML 1.1 would read as booleans, null or numbers as names', () => {
		const names = ['yes', 'no', 'on', 'off', 'null', '1.10', '0x1f', '1e3'];
		expect(parse(cloudInit({ packages: names.join(', ') }).encoded).packages).toEqual(names);
	});

	it('pins the generated host key: it replaces the generated ones and has the output fingerprint', () => {
		const result = cloudInit({ pinHostKey: true });
		const config = parse(result.encoded);
		expect(config).toMatchObject({ ssh_deletekeys: true, ssh_genkeytypes: [] });
		const keys = config.ssh_keys as { ed25519_private: string; ed25519_public: string };
		expect(Object.keys(keys).sort()).toEqual(['ed25519_private', 'ed25519_public']);
		expect(keys.ed25519_public).toBe(result.hostKeyPublic);
		const parsed = utils.parseKey(keys.ed25519_private);
		if (parsed instanceof Error) throw parsed;
		expect(fingerprintOf(parsed.getPublicSSH())).toBe(result.hostKeyFingerprint);
		expect(result.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
	});

	it('sends no user data for None and raw text unchanged', () => {
		const none = { mode: 'none' as const, raw: '', packages: '', upgrade: true, pinHostKey: false };
		expect(buildUserData(none)).toEqual({});
		const raw = '#!/bin/sh\necho "hi: there"\n';
		expect(text(buildUserData({ ...none, mode: 'raw', raw }).encoded)).toBe(raw);
	});
});

describe('firewall rule planning', () => {
	it('expands "anywhere" to IPv4 and IPv6 and plans a minimal change', () => {
		const desired = desiredRules([
			{ protocol: 'tcp', port: '443', sources: '' },
			{ protocol: 'tcp', port: '22', sources: '198.51.100.0/24' },
		]);
		expect(desired).toHaveLength(3);
		const current = [
			{ id: 9, ip_type: 'v4', protocol: 'tcp', port: '80', subnet: '0.0.0.0', subnet_size: 0 },
		];
		const plan = planRules(current, desired, true);
		expect(plan.add).toHaveLength(3);
		expect(plan.remove.map((r) => r.id)).toEqual([9]);
		expect(planRules(current, desired, false).remove).toEqual([]);
	});
});

describe('snapshot pruning', () => {
	it('keeps the newest N with the prefix and never touches others', () => {
		const snaps = [
			{ id: 'a', description: 'bk-1', date_created: '2026-01-01T00:00:00+00:00' },
			{ id: 'b', description: 'bk-3', date_created: '2026-01-03T00:00:00+00:00' },
			{ id: 'c', description: 'manual', date_created: '2025-01-01T00:00:00+00:00' },
			{ id: 'd', description: 'bk-2', date_created: '2026-01-02T00:00:00+00:00' },
		];
		expect(snapshotsToPrune(snaps, 'bk-', 2).map((s) => s.id)).toEqual(['a']);
		expect(snapshotsToPrune(snaps, 'bk-', 5)).toEqual([]);
	});
});

describe('readiness polling', () => {
	it('waits out the minimum boot time, then polls at most every 4 s, and stops at the timeout', async () => {
		let now = 0;
		const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
		const created = new Date(0).toISOString();
		const polls: number[] = [];
		const fetch = async () => {
			polls.push(now);
			return now >= 90_000
				? { status: 'active', power_status: 'running', server_status: 'ok', date_created: created }
				: {
						status: 'pending',
						power_status: 'running',
						server_status: 'none',
						date_created: created,
					};
		};
		const plan = {
			minimumBootMs: 45_000,
			firstIntervalMs: 2_000,
			maxIntervalMs: 4_000,
			timeoutMs: 600_000,
		};
		const result = await pollUntilReady(fetch, plan, clock);
		expect(result.ready).toBe(true);
		expect(now - 90_000).toBeLessThanOrEqual(4_000);
		expect(polls[1]).toBe(45_000);
		expect(result.polls).toBeLessThanOrEqual(18);

		now = 0;
		const never = await pollUntilReady(
			async () => ({ status: 'active', power_status: 'stopped' }),
			{ ...plan, timeoutMs: 20_000 },
			clock,
		);
		expect(never.ready).toBe(false);
		expect(now).toBe(20_000);
	});
});
