import type { SshSession } from '../../transport';
import { timedStep, type StepOutcome, type StepResult } from '../steps';
import { adminUser } from './adminUser';
import { fail2ban } from './fail2ban';
import { probeProfile } from './probe';
import { firewall } from './firewall';
import { STEP_ORDER, type HardenProfile, type StepName } from './profile';
import { sshd } from './sshd';
import type { ProfileState } from './state';
import { sysctl } from './sysctl';
import { unattendedUpgrades } from './unattendedUpgrades';
import { updates } from './updates';

type Step = (
	session: SshSession,
	profile: HardenProfile,
	checkOnly: boolean,
	state: ProfileState,
) => Promise<StepOutcome>;

const STEPS: Record<StepName, Step> = {
	updates,
	adminUser,
	sshd,
	sysctl,
	firewall,
	fail2ban,
	unattendedUpgrades,
};

/**
 * Runs the enabled steps in order; each is idempotent, so a run cut short converges when repeated.
 * One read-only probe first tells every step what is already in place.
 */
export async function runHarden(
	session: SshSession,
	profile: HardenProfile,
	checkOnly: boolean,
): Promise<StepResult[]> {
	const state = await probeProfile(session, profile);
	const results: StepResult[] = [];
	for (const name of STEP_ORDER) {
		if (!profile.steps[name]) continue;
		results.push(
			await timedStep(name, async () => await STEPS[name](session, profile, checkOnly, state)),
		);
	}
	return results;
}
