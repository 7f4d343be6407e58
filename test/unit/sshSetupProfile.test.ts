/** The Harden profile parser, the tailscale/caddy argument builders and the profile probe parser (no server). */
import { createHash } from 'node:crypto';

import {
	ADMIN_ORIGINS,
	PINNED_ADMIN,
	isAdminPinned,
	pinAdminCall,
} from '../../nodes/SshSetup/helpers/caddy';
import { fileMatches } from '../../nodes/SshSetup/helpers/files';
import {
	parseProfile,
	parsePortRule,
	parseSshdDirectives,
} from '../../nodes/SshSetup/helpers/harden/parseProfile';
import { firewallRules } from '../../nodes/SshSetup/helpers/harden/firewall';
import { parseProfileProbe } from '../../nodes/SshSetup/helpers/harden/probe';
import {
	parseLoginServer,
	parseTailscaleJoin,
	tailscaleUpCommand,
} from '../../nodes/SshSetup/helpers/tailscale';

const KEY =
	'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4 me@laptop';
const ALL = [
	'updates',
	'adminUser',
	'sshd',
	'sysctl',
	'firewall',
	'fail2ban',
	'unattendedUpgrades',
];

describe('parseProfile', () => {
	it('fills the defaults of a full profile', () => {
		const profile = parseProfile({
			steps: ALL,
			adminUsername: 'opsadmin',
			adminAuthorizedKeys: `${KEY}\n\n`,
		});
		expect(Object.values(profile.steps).every(Boolean)).toBe(true);
		expect(profile.admin).toEqual({
			username: 'opsadmin',
			authorizedKeys: [KEY],
			passwordlessSudo: true,
		});
		expect(profile.sshd).toMatchObject({
			permitRootLogin: 'prohibit-password',
			maxAuthTries: 3,
			allowUsers: [],
			extraDirectives: [],
		});
		expect(profile.sysctl.forwarding).toBe(true);
		expect(profile.fail2ban).toMatchObject({
			banTime: '1h',
			findTime: '10m',
			maxRetry: 5,
			ignoreIps: [],
		});
	});

	it('reads ports, CIDRs and directives', () => {
		const profile = parseProfile({
			steps: ['firewall', 'fail2ban', 'sshd'],
			allowPorts: '80/tcp, 41641/udp, 8080',
			sshAllowedFrom: '100.64.0.0/10',
			ignoreIps: '192.0.2.1, 2001:db8::/32',
			extraSshdDirectives: '# comment\nClientAliveInterval 300\n',
		});
		expect(profile.firewall.allow).toEqual([
			{ port: 80, protocol: 'tcp' },
			{ port: 41641, protocol: 'udp' },
			{ port: 8080, protocol: 'any' },
		]);
		expect(profile.firewall.sshFrom).toEqual({ address: '100.64.0.0', prefix: 10, version: 4 });
		expect(profile.fail2ban.ignoreIps.map((c) => c.prefix)).toEqual([32, 32]);
		expect(profile.sshd.extraDirectives).toEqual(['ClientAliveInterval 300']);
	});

	it('writes a one-address SSH source as ufw prints it back, so a re-run finds the rule', () => {
		const rules = (sshAllowedFrom: string) =>
			firewallRules(parseProfile({ steps: ['firewall'], sshAllowedFrom }), 22)[0];
		expect(rules('203.0.113.7/32')).toEqual([
			'allow',
			'from',
			'203.0.113.7',
			'to',
			'any',
			'port',
			'22',
			'proto',
			'tcp',
		]);
		expect(rules('2001:db8::7/128')[2]).toBe('2001:db8::7');
		expect(rules('198.18.0.0/15')[2]).toBe('198.18.0.0/15');
	});

	it.each([
		['Steps', { steps: ['reboot'] }],
		['Admin Username', { steps: ['adminUser'], adminAuthorizedKeys: KEY }],
		['Admin Username', { steps: ['adminUser'], adminUsername: 'x;id', adminAuthorizedKeys: KEY }],
		[
			'Admin Authorized Keys',
			{ steps: ['adminUser'], adminUsername: 'ops', adminAuthorizedKeys: 'not a key' },
		],
		['Allowed Ports', { steps: ['firewall'], allowPorts: '22; rm -rf /' }],
		['SSH Allowed From', { steps: ['firewall'], sshAllowedFrom: '10.0.0.0/40' }],
		['Ban Time', { steps: ['fail2ban'], banTime: '1 hour' }],
		['Max Auth Tries', { steps: ['sshd'], maxAuthTries: 0 }],
	])('refuses a bad %s naming the field', (field, parameters) => {
		expect(() => parseProfile(parameters as never)).toThrow(new RegExp(`^Invalid ${field}`));
	});

	it('refuses Match/Include blocks and malformed sshd lines', () => {
		expect(() => parseSshdDirectives('X', 'Match User bob')).toThrow(/Match and Include/);
		expect(() => parseSshdDirectives('X', 'Include /tmp/evil.conf')).toThrow(/Match and Include/);
		expect(() => parseSshdDirectives('X', '=value')).toThrow(/Keyword value/);
		expect(() => parsePortRule('P', '70000/tcp')).toThrow(/^Invalid P/);
	});
});

describe('profile probe parsing', () => {
	it('reads packages, files, units and the client address', () => {
		const state = parseProfileProbe(
			[
				'client=198.18.0.1',
				'package ufw install ok installed',
				'package fail2ban deinstall ok config-files',
				`file ${'a'.repeat(64)} 440 root:root /etc/sudoers.d/90-homelab-ops`,
				'unit fail2ban.active active',
				'unit timers.enabled enabled ',
			].join('\n'),
		);
		expect(state.client).toBe('198.18.0.1');
		expect([...state.installed]).toEqual(['ufw']);
		expect(state.files.get('/etc/sudoers.d/90-homelab-ops')).toEqual({
			sha256: 'a'.repeat(64),
			mode: '440',
			owner: 'root:root',
		});
		expect(state.units).toEqual({ 'fail2ban.active': 'active', 'timers.enabled': 'enabled' });
	});

	it('matches a probed file only when content, mode and owner are all as wanted', () => {
		const seen = {
			sha256: createHash('sha256').update('x\n').digest('hex'),
			mode: '644',
			owner: 'root:root',
		};
		const file = { path: '/f', content: 'x\n' };
		expect(fileMatches(file, seen)).toBe(true);
		expect(fileMatches({ ...file, mode: '0600' }, seen)).toBe(false);
		expect(fileMatches({ ...file, owner: 'caddy' }, seen)).toBe(false);
		expect(fileMatches({ ...file, content: 'y\n' }, seen)).toBe(false);
		expect(fileMatches(file, undefined)).toBe(false);
	});
});

describe('Tailscale join arguments', () => {
	it('builds tailscale up with quoted flags and the key only as a file reference', () => {
		const join = parseTailscaleJoin({
			hostname: 'edge-1',
			tags: 'tag:server,tag:server, tag:ingress',
			ssh: true,
			loginServer: 'https://hs.example.com/',
		});
		expect(join).toEqual({
			hostname: 'edge-1',
			tags: ['tag:server', 'tag:ingress'],
			ssh: true,
			loginServer: 'https://hs.example.com',
			acceptRoutes: false,
		});
		expect(tailscaleUpCommand(join, 'keyfile')).toBe(
			"'tailscale' 'up' '--reset' '--timeout=120s' '--ssh=true' '--accept-routes=false' '--hostname=edge-1' '--advertise-tags=tag:server,tag:ingress' '--login-server=https://hs.example.com' \"--auth-key=file:$keyfile\"",
		);
	});

	it.each([
		['Hostname', { hostname: 'a.b' }],
		['Hostname', { hostname: 'x;id' }],
		['Tags', { tags: 'server' }],
		['Login Server', { loginServer: 'ftp://hs.example.com' }],
		['Login Server', { loginServer: 'https://user:pw@hs.example.com' }],
		['Login Server', { loginServer: 'https://hs.example.com/$(id)' }],
		['Login Server', { loginServer: 'https://hs.example.com/?a=1' }],
	])('refuses a bad %s', (field, raw) => {
		expect(() => parseTailscaleJoin(raw)).toThrow(new RegExp(`^Invalid ${field}`));
	});

	it('keeps a login server to scheme, host, port and plain path', () => {
		expect(parseLoginServer('L', 'http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
		expect(parseLoginServer('L', '')).toBe('');
	});
});

describe('Caddy admin pinning', () => {
	const pinned = {
		listen: 'localhost:2019',
		enforce_origin: true,
		origins: ['http://localhost:2019', 'http://127.0.0.1:2019', 'http://[::1]:2019'],
	};

	it('pins loopback listen, origin enforcement and exactly the loopback origins', () => {
		expect(PINNED_ADMIN).toEqual(pinned);
		expect(ADMIN_ORIGINS).toEqual(pinned.origins);
	});

	it('loads an admin-only config into an empty Caddy, sets the block otherwise, leaves a pinned one alone', () => {
		expect(pinAdminCall(null)).toEqual({ path: '/load', body: { admin: pinned } });
		expect(pinAdminCall({ apps: {} })).toEqual({ path: '/config/admin', body: pinned });
		expect(pinAdminCall({ admin: { listen: ':2019' } })).toEqual({
			path: '/config/admin',
			body: pinned,
		});
		expect(pinAdminCall({ admin: { ...pinned }, apps: {} })).toBeUndefined();
	});

	it('converges a block that differs in any pinned field and keeps the other admin settings', () => {
		const persist = { config: { persist: true } };
		for (const differing of [
			{ listen: '0.0.0.0:2019' },
			{ enforce_origin: false },
			{ enforce_origin: undefined },
			{ origins: undefined },
			{ origins: [...pinned.origins, 'http://evil.example'] },
			{ origins: pinned.origins.slice(1) },
		]) {
			const admin = { ...pinned, ...persist, ...differing };
			expect(isAdminPinned(admin)).toBe(false);
			expect(pinAdminCall({ admin })).toEqual({
				path: '/config/admin',
				body: { ...pinned, ...persist },
			});
		}
		expect(isAdminPinned({ ...pinned, ...persist })).toBe(true);
		expect(isAdminPinned(undefined)).toBe(false);
	});
});
