/**
 * Ubuntu 24.04 runs sshd from ssh.socket rather than a long-running ssh.service, and ships
 * /etc/ssh/sshd_config.d/50-cloud-init.conf with PasswordAuthentication yes. The Debian 12 twin is made to
 * look like that: the cloud-init drop-in is written, ssh.service is stopped and disabled, ssh.socket takes
 * port 22, and /run/sshd is gone (systemd creates it only for a running ssh.service). Harden's SSH Daemon
 * step, on the first login to that server, must still validate, apply and verify its drop-in there.
 */
import { writeFileSync } from 'node:fs';

import { runNode } from '../support/engine';
import { describeWithServer } from '../support/servers';
import { startTwin, twinCredentials, type Twin } from '../support/twin';

describeWithServer('twin', 'Harden on a socket-activated sshd (Ubuntu 24.04 layout)', () => {
	let twin: Twin;
	const sh = (script: string) => twin.exec(script).stdout.trim();

	beforeAll(async () => {
		twin = await startTwin({
			prepare: (rootfs) =>
				writeFileSync(
					`${rootfs}/etc/ssh/sshd_config.d/50-cloud-init.conf`,
					'PasswordAuthentication yes\n',
				),
		});
		const switched = twin.exec(
			'systemctl disable --now ssh.service && systemctl enable --now ssh.socket && rm -rf /run/sshd',
		);
		if (switched.code !== 0) throw new Error(switched.stderr);
	}, 120_000);

	afterAll(async () => {
		await twin?.stop();
	}, 60_000);

	it('starts from the layout it has to handle: no sshd running, only the socket on port 22', () => {
		expect(sh('systemctl is-active ssh.service || true')).toBe('inactive');
		expect(sh('systemctl is-active ssh.socket')).toBe('active');
		expect(sh('test -d /run/sshd && echo present || echo absent')).toBe('absent');
		expect(sh('ss -Hltn "sport = :22" | wc -l')).not.toBe('0');
	});

	it('applies the SSH Daemon step as the first login: its drop-in wins over cloud-init', async () => {
		const harden = await runNode(
			'sshSetup',
			{ operation: 'harden', steps: ['sshd'], hardenOptions: {} },
			{ credentials: twinCredentials(twin) },
		);
		expect(harden.error).toBeUndefined();
		expect(harden.json[0]).toMatchObject({ changed: true, changedSteps: ['sshd'] });
		expect(sh('systemctl is-active ssh.socket')).toBe('active');
		expect(sh('mkdir -p /run/sshd && sshd -T | grep ^passwordauthentication')).toBe(
			'passwordauthentication no',
		);
		// A new connection (a new sshd from the socket) reads the new config and still lets the key in.
		const again = await runNode(
			'sshSetup',
			{ operation: 'harden', steps: ['sshd'], hardenOptions: {} },
			{ credentials: twinCredentials(twin) },
		);
		expect(again.error).toBeUndefined();
		expect(again.json[0]).toMatchObject({ changed: false });
	}, 60_000);
});
