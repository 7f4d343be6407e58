import { renderTemplate } from '../../../../lib/templates';
import type { SshSession } from '../../transport';
import { ensureFile, ensurePackages } from '../files';
import type { StepOutcome } from '../steps';
import type { HardenProfile } from './profile';
import type { ProfileState } from './state';

export const PERIODIC_FILE = '/etc/apt/apt.conf.d/20auto-upgrades';
export const UPGRADES_FILE = '/etc/apt/apt.conf.d/52homelab-unattended-upgrades';
export const UPGRADE_TIMERS = 'apt-daily.timer apt-daily-upgrade.timer';

/** Unattended security upgrades, with an optional automatic reboot window. */
export async function unattendedUpgrades(
	session: SshSession,
	profile: HardenProfile,
	checkOnly: boolean,
	state: ProfileState,
): Promise<StepOutcome> {
	const installed = await ensurePackages(
		session,
		['unattended-upgrades'],
		checkOnly,
		state.installed,
	);
	const periodic = await ensureFile(
		session,
		{ path: PERIODIC_FILE, content: renderTemplate('unattended-upgrades-periodic.hbs', {}) },
		checkOnly,
		state.files,
	);
	const policy = await ensureFile(
		session,
		{
			path: UPGRADES_FILE,
			content: renderTemplate('unattended-upgrades.conf.hbs', {
				reboot: profile.upgrades.reboot ? 'true' : 'false',
				rebootTime: profile.upgrades.reboot ? profile.upgrades.rebootTime : '',
			}),
		},
		checkOnly,
		state.files,
	);
	const timersOn = state.units['timers.enabled'] === 'enabled';
	if (!timersOn && !checkOnly)
		await session.check('Enabling apt timers', `systemctl enable --now ${UPGRADE_TIMERS}`);
	const changed = installed.length > 0 || periodic || policy || !timersOn;
	return {
		changed,
		details: { files: [PERIODIC_FILE, UPGRADES_FILE], reboot: profile.upgrades.reboot },
	};
}
