import { isIP } from 'node:net';

import { renderTemplate } from '../../../../lib/templates';
import { formatCidr } from '../../../../lib/net';
import type { SshSession } from '../../transport';
import { ensureFile, ensurePackages } from '../files';
import { clientAddress } from '../net';
import { keyValues, type StepOutcome } from '../steps';
import type { HardenProfile } from './profile';
import type { ProfileState } from './state';

export const JAIL_FILE = '/etc/fail2ban/jail.d/zz-homelab-ingress.local';

/** fail2ban with an sshd jail on the journal; (re)started when its settings change or it is not running. */
export async function fail2ban(
	session: SshSession,
	profile: HardenProfile,
	checkOnly: boolean,
	probed: ProfileState,
): Promise<StepOutcome> {
	const installed = await ensurePackages(
		session,
		['fail2ban', 'python3-systemd'],
		checkOnly,
		probed.installed,
	);
	// Never ban the address this node connects from: a ban would cut the session mid-run.
	const client = probed.client || (await clientAddress(session));
	const ignoreIps = [
		...profile.fail2ban.ignoreIps.map(formatCidr),
		...(isIP(client) ? [client] : []),
	];
	const content = renderTemplate('jail.local.hbs', {
		...profile.fail2ban,
		ignoreIps: [...new Set(ignoreIps)],
		sshPort: session.target.port,
	});
	const fileChanged = await ensureFile(
		session,
		{ path: JAIL_FILE, content },
		checkOnly,
		probed.files,
	);
	// A fresh install starts the unit itself: ask again then, the probe predates it.
	const state = installed.length
		? keyValues(
				(
					await session.run(
						'echo "fail2ban.active=$(systemctl is-active fail2ban)"; echo "fail2ban.enabled=$(systemctl is-enabled fail2ban)"',
					)
				).stdout,
			)
		: probed.units;
	const running = state['fail2ban.active'] === 'active' && state['fail2ban.enabled'] === 'enabled';
	const changed = installed.length > 0 || fileChanged || !running;
	const details = { jail: JAIL_FILE, ignoreIps };
	if (!changed || checkOnly)
		return { changed, details: { ...details, active: state['fail2ban.active'] } };
	await session.check(
		'fail2ban',
		`set -e
systemctl enable fail2ban >/dev/null 2>&1
systemctl restart fail2ban
for i in $(seq 1 50); do fail2ban-client status sshd >/dev/null 2>&1 && exit 0; sleep 0.2; done
fail2ban-client status sshd`,
	);
	return { changed, details: { ...details, active: 'active' } };
}
