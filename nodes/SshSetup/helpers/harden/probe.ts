import { quote } from '../../../../lib/shell';
import type { SshSession } from '../../transport';
import { sudoersFile } from './adminUser';
import { JAIL_FILE } from './fail2ban';
import type { HardenProfile } from './profile';
import { BBR_MODULE_FILE, SYSCTL_FILE } from './sysctl';
import type { ProfileState } from './state';
import { PERIODIC_FILE, UPGRADES_FILE, UPGRADE_TIMERS } from './unattendedUpgrades';

export const PROFILE_PACKAGES = ['fail2ban', 'python3-systemd', 'ufw', 'unattended-upgrades'];

export function managedFiles(profile: HardenProfile): string[] {
	return [
		sudoersFile(profile.admin.username),
		SYSCTL_FILE,
		BBR_MODULE_FILE,
		JAIL_FILE,
		PERIODIC_FILE,
		UPGRADES_FILE,
	];
}

export function profileProbeScript(profile: HardenProfile): string {
	return `echo "client=\${SSH_CONNECTION%% *}"
dpkg-query -W -f='package \${Package} \${Status}\\n' ${PROFILE_PACKAGES.join(' ')} 2>/dev/null
for f in ${managedFiles(profile).map(quote).join(' ')}; do
	[ -f "$f" ] && echo "file $(sha256sum < "$f" | cut -c1-64) $(stat -c '%a %U:%G' "$f") $f"
done
echo "unit fail2ban.active $(systemctl is-active fail2ban 2>/dev/null)"
echo "unit fail2ban.enabled $(systemctl is-enabled fail2ban 2>/dev/null)"
echo "unit timers.enabled $(systemctl is-enabled ${UPGRADE_TIMERS} 2>/dev/null | sort -u | tr '\\n' ' ')"
true`;
}

export function parseProfileProbe(stdout: string): ProfileState {
	const state: ProfileState = { installed: new Set(), files: new Map(), units: {}, client: '' };
	for (const line of stdout.split('\n')) {
		const [kind, ...rest] = line.trim().split(' ');
		if (kind.startsWith('client=')) state.client = kind.slice('client='.length);
		else if (kind === 'package' && line.endsWith('install ok installed'))
			state.installed.add(rest[0].split(':')[0]);
		else if (kind === 'file' && rest.length >= 4)
			state.files.set(rest.slice(3).join(' '), { sha256: rest[0], mode: rest[1], owner: rest[2] });
		else if (kind === 'unit' && rest.length) state.units[rest[0]] = rest.slice(1).join(' ').trim();
	}
	return state;
}

/** The server state every step starts from (see ProfileState), in one read-only command. */
export async function probeProfile(
	session: SshSession,
	profile: HardenProfile,
): Promise<ProfileState> {
	return parseProfileProbe(
		(await session.check('Reading the server state', profileProbeScript(profile))).stdout,
	);
}
