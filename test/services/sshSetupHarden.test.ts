/**
 * SSH Setup's Harden profile on the VPS twin (a real systemd Debian 12 host), checked independently:
 * every assertion about the result reads the twin through nsenter (`sshd -T`, `sysctl`, `ufw`,
 * `systemctl`, apt's config) or a plain ssh2 login, never through the node's own code.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { IDataObject } from 'n8n-workflow';
import { Client } from 'ssh2';

import { runNode } from '../support/engine';
import { describeWithServer } from '../support/servers';
import { startTwin, twinCredentials, type Twin } from '../support/twin';

/** A login with ssh2 directly (not the node's transport): resolves on success, rejects with the reason. */
function plainLogin(
	twin: Twin,
	auth: { username: string; privateKey?: string; password?: string },
): Promise<void> {
	return new Promise((resolve, reject) => {
		const client = new Client();
		client
			.once('ready', () => {
				client.end();
				resolve();
			})
			.once('error', (error) => {
				client.end();
				reject(error);
			})
			.connect({
				host: twin.address,
				port: 22,
				readyTimeout: 15_000,
				tryKeyboard: true,
				hostVerifier: () => true,
				...auth,
			});
	});
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- output items are checked field by field
type Out = Record<string, any>;

const PASSWORD_USER = { username: 'pwuser', password: 'twin-Passw0rd' };

const sh = (twin: Twin, script: string) => twin.exec(script).stdout.trim();

describeWithServer('twin', 'SSH Setup Harden on the VPS twin', () => {
	let twin: Twin;
	let credentials: Record<string, IDataObject>;
	const profile = (extra: Record<string, unknown> = {}) => ({
		operation: 'harden',
		steps: ['updates', 'adminUser', 'sshd', 'sysctl', 'firewall', 'fail2ban', 'unattendedUpgrades'],
		adminUsername: 'opsadmin',
		adminAuthorizedKeys: twin.publicKey,
		// The twin has no route to a mirror: upgrade from the package lists baked into it.
		hardenOptions: {
			refreshPackageLists: false,
			allowPorts: '80/tcp, 443/tcp, 41641/udp',
			...extra,
		},
	});

	beforeAll(async () => {
		twin = await startTwin({
			// Ubuntu 24.04's cloud-init drop-in, which re-enables passwords unless something is read before it.
			// A user with a password, so the tests can show password logins being refused (not merely impossible).
			prepare: (rootfs) => {
				writeFileSync(
					`${rootfs}/etc/ssh/sshd_config.d/50-cloud-init.conf`,
					'PasswordAuthentication yes\n',
				);
				execFileSync('chroot', [
					rootfs,
					'sh',
					'-c',
					`useradd -m ${PASSWORD_USER.username} && echo '${PASSWORD_USER.username}:${PASSWORD_USER.password}' | chpasswd`,
				]);
			},
		});
		credentials = twinCredentials(twin);
	}, 120_000);

	afterAll(async () => {
		await twin?.stop();
	}, 60_000);

	it('starts out with password logins allowed by the cloud-init drop-in (so the later refusal means something)', async () => {
		expect(sh(twin, 'sshd -T | grep -i "^passwordauthentication"')).toBe(
			'passwordauthentication yes',
		);
		await expect(plainLogin(twin, PASSWORD_USER)).resolves.toBeUndefined();
	});

	it('refuses a wrong pinned fingerprint before any command runs', async () => {
		const acceptedBefore = sh(
			twin,
			'journalctl -u ssh --no-pager | grep -c "Accepted publickey" || true',
		);
		const marker = `${twin.scratchDir()}/pin-was-ignored`;
		const result = await runNode(
			'sshSetup',
			{
				operation: 'runCommands',
				commands: `touch ${marker}`,
				connection: { hostKeyFingerprint: `SHA256:${'A'.repeat(43)}` },
			},
			{ credentials },
		);
		expect(result.error?.message).toMatch(/Host key mismatch/);
		expect(result.error?.message).toContain(twin.fingerprint);
		expect(twin.exec(`test -e ${marker}`).code).not.toBe(0);
		expect(sh(twin, 'journalctl -u ssh --no-pager | grep -c "Accepted publickey" || true')).toBe(
			acceptedBefore,
		);
	});

	it('gathers facts over the pinned connection', async () => {
		const result = await runNode('sshSetup', { operation: 'facts' }, { credentials });
		expect(result.error).toBeUndefined();
		const [facts] = result.json as Array<Out>;
		expect(facts.hostKeyFingerprint).toBe(twin.fingerprint);
		expect(facts.os.id).toBe('debian');
		expect(facts.sshd.passwordauthentication).toBe('yes');
		expect(facts.listening.some((line: string) => line.includes(':22 '))).toBe(true);
	});

	it('applies the full profile; an independent check sees every control in place', async () => {
		const result = await runNode('sshSetup', profile(), { credentials });
		expect(result.error).toBeUndefined();
		const [out] = result.json as Array<Out>;
		expect(out.steps.map((s: { name: string }) => s.name)).toEqual([
			'updates',
			'adminUser',
			'sshd',
			'sysctl',
			'firewall',
			'fail2ban',
			'unattendedUpgrades',
		]);
		for (const step of out.steps)
			expect(step).toEqual(expect.objectContaining({ duration: expect.any(Number) }));
		expect(out.changedSteps).toEqual(
			expect.arrayContaining(['adminUser', 'sshd', 'firewall', 'fail2ban', 'unattendedUpgrades']),
		);

		const sshdT = sh(twin, 'sshd -T');
		expect(sshdT).toMatch(/^passwordauthentication no$/m);
		expect(sshdT).toMatch(/^kbdinteractiveauthentication no$/m);
		expect(sshdT).toMatch(/^permitrootlogin without-password$/m);
		expect(sshdT).toMatch(/^x11forwarding no$/m);
		expect(sshdT).toMatch(/^maxauthtries 3$/m);
		// The cloud-init drop-in is still there, and loses: ours is read first.
		expect(sh(twin, 'cat /etc/ssh/sshd_config.d/50-cloud-init.conf')).toBe(
			'PasswordAuthentication yes',
		);

		expect(sh(twin, 'sysctl -n net.ipv4.tcp_congestion_control')).toBe('bbr');
		expect(sh(twin, 'sysctl -n net.ipv4.ip_forward')).toBe('1');
		expect(sh(twin, 'sysctl -n net.ipv6.conf.all.forwarding')).toBe('1');
		expect(sh(twin, 'sysctl -n net.ipv4.conf.all.rp_filter')).toBe('2');

		const ufw = sh(twin, 'ufw status verbose');
		expect(ufw).toMatch(/^Status: active$/m);
		expect(ufw).toMatch(/Default: deny \(incoming\), allow \(outgoing\)/);
		expect(ufw).toMatch(/^22\/tcp\s+ALLOW IN\s+Anywhere\s*$/m);
		expect(ufw).toMatch(/^443\/tcp\s+ALLOW IN\s+Anywhere\s*$/m);
		expect(ufw).toMatch(/^41641\/udp\s+ALLOW IN\s+Anywhere\s*$/m);

		expect(sh(twin, 'systemctl is-active fail2ban')).toBe('active');
		expect(sh(twin, 'fail2ban-client status sshd')).toMatch(
			/Journal matches:\s+_SYSTEMD_UNIT=sshd\.service/,
		);

		const apt = sh(twin, 'apt-config dump');
		expect(apt).toContain('APT::Periodic::Unattended-Upgrade "1";');
		expect(apt).toContain(
			'Unattended-Upgrade::Origins-Pattern:: "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";',
		);
		expect(apt).not.toContain('label=Debian";');
		expect(sh(twin, 'systemctl is-enabled apt-daily-upgrade.timer')).toBe('enabled');

		expect(sh(twin, 'id -u opsadmin')).toMatch(/^\d+$/);
		expect(sh(twin, 'sudo -l -U opsadmin')).toContain('(ALL : ALL) NOPASSWD: ALL');
		expect(sh(twin, 'stat -c %a:%U /home/opsadmin/.ssh /home/opsadmin/.ssh/authorized_keys')).toBe(
			'700:opsadmin\n600:opsadmin',
		);
	}, 120_000);

	it('reports zero changes on a second run', async () => {
		const result = await runNode('sshSetup', profile(), { credentials });
		expect(result.error).toBeUndefined();
		const [out] = result.json as Array<Out>;
		expect(out.changed).toBe(false);
		expect(out.steps.filter((s: { changed: boolean }) => s.changed)).toEqual([]);
	}, 60_000);

	it('lets keys in and refuses passwords afterwards (plain ssh2 logins)', async () => {
		await expect(
			plainLogin(twin, { username: 'root', privateKey: twin.privateKey }),
		).resolves.toBeUndefined();
		await expect(
			plainLogin(twin, { username: 'opsadmin', privateKey: twin.privateKey }),
		).resolves.toBeUndefined();
		await expect(plainLogin(twin, PASSWORD_USER)).rejects.toThrow(/authentication methods failed/);
	});

	it('rolls back a drop-in that fails sshd -t and stays reachable', async () => {
		const before = sh(twin, 'sha256sum /etc/ssh/sshd_config.d/01-homelab-hardening.conf');
		const result = await runNode(
			'sshSetup',
			{ ...profile({ extraSshdDirectives: 'MaxSessions banana' }), steps: ['sshd'] },
			{ credentials },
		);
		expect(result.error?.message).toMatch(/Writing the sshd drop-in failed/);
		expect(result.error?.description).toMatch(/sshd -t rejected/);
		expect(sh(twin, 'sha256sum /etc/ssh/sshd_config.d/01-homelab-hardening.conf')).toBe(before);
		expect(twin.exec('sshd -t').code).toBe(0);
		await expect(
			plainLogin(twin, { username: 'root', privateKey: twin.privateKey }),
		).resolves.toBeUndefined();
	});

	it('rolls back a drop-in that passes sshd -t but would lock this login out (second login proof)', async () => {
		const before = sh(twin, 'sha256sum /etc/ssh/sshd_config.d/01-homelab-hardening.conf');
		const result = await runNode(
			'sshSetup',
			{ ...profile({ extraSshdDirectives: 'DenyUsers root' }), steps: ['sshd'] },
			{ credentials },
		);
		expect(result.error?.message).toMatch(/second SSH login failed .* rolled back/);
		expect(sh(twin, 'sha256sum /etc/ssh/sshd_config.d/01-homelab-hardening.conf')).toBe(before);
		expect(sh(twin, 'sshd -T | grep -ci denyusers || true')).toBe('0');
		await expect(
			plainLogin(twin, { username: 'root', privateKey: twin.privateKey }),
		).resolves.toBeUndefined();
	}, 60_000);

	it('refuses lock-out settings before touching the server', async () => {
		const rootNever = await runNode(
			'sshSetup',
			{ ...profile({ permitRootLogin: 'no' }), steps: ['sshd'] },
			{ credentials },
		);
		expect(rootNever.error?.message).toMatch(/Root Login.*lock out/);
		const foreignCidr = await runNode(
			'sshSetup',
			{ ...profile({ sshAllowedFrom: '203.0.113.0/24' }), steps: ['firewall'] },
			{ credentials },
		);
		expect(foreignCidr.error?.message).toMatch(/SSH Allowed From.*cut off SSH/);
		expect(sh(twin, 'ufw status verbose')).toMatch(/^22\/tcp\s+ALLOW IN\s+Anywhere\s*$/m);
		expect(sh(twin, 'sshd -T | grep ^permitrootlogin')).toBe('permitrootlogin without-password');
	});

	it('converges when the connection is killed mid-profile and the profile runs again', async () => {
		// Undo part of the hardening so the next run has work to do after the point where it is cut.
		twin.exec(
			'rm -f /etc/sysctl.d/60-homelab-hardening.conf /etc/fail2ban/jail.d/zz-homelab-ingress.local; ufw --force disable; systemctl stop fail2ban',
		);
		const running = runNode('sshSetup', profile(), { credentials });
		const deadline = Date.now() + 30_000;
		while (
			twin.exec('test -e /etc/sysctl.d/60-homelab-hardening.conf').code !== 0 &&
			Date.now() < deadline
		) {
			await new Promise((r) => setTimeout(r, 20));
		}
		// Kill the sshd processes serving the node's session (not the listener).
		twin.exec("pkill -KILL -f '^sshd: root@notty' || pkill -KILL -f '^sshd: root'");
		const cut = await running;
		expect(cut.error?.message).toMatch(/SSH connection/);
		expect(sh(twin, 'ufw status | head -1')).toBe('Status: inactive');

		const rerun = await runNode('sshSetup', profile(), { credentials });
		expect(rerun.error).toBeUndefined();
		expect((rerun.json[0] as Out).changedSteps).toEqual(
			expect.arrayContaining(['firewall', 'fail2ban']),
		);
		const third = await runNode('sshSetup', profile(), { credentials });
		expect((third.json[0] as Out).changed).toBe(false);
		expect(sh(twin, 'ufw status | head -1')).toBe('Status: active');
		expect(sh(twin, 'systemctl is-active fail2ban')).toBe('active');
	}, 120_000);

	it('check mode reports what would change and changes nothing', async () => {
		twin.exec('ufw --force disable >/dev/null');
		const result = await runNode('sshSetup', { ...profile(), checkMode: true }, { credentials });
		expect(result.error).toBeUndefined();
		expect((result.json[0] as Out).changedSteps).toEqual(['firewall']);
		expect(sh(twin, 'ufw status | head -1')).toBe('Status: inactive');
	}, 60_000);
});
