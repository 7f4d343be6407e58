import type { SshSession } from '../../transport';
import type { StepOutcome } from '../steps';
import type { HardenProfile } from './profile';

const APT =
	'apt-get -q -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';
/** Package lists refreshed by this node less than this long ago are not fetched again. */
export const LISTS_FRESH_MINUTES = 60;
const REFRESHED_STAMP = '/var/lib/apt/.homelab-lists-refreshed';
/** The apt state (installed packages, lists, sources, pinning) under which nothing was left to upgrade. */
const UP_TO_DATE_STAMP = '/var/lib/apt/.homelab-up-to-date';
const APT_STATE = `stat -c '%n %Y %s' /var/lib/dpkg/status /var/lib/apt/lists /var/lib/apt/lists/* /etc/apt/sources.list /etc/apt/sources.list.d /etc/apt/preferences.d 2>/dev/null | sha256sum | cut -c1-64`;

/**
 * apt update + upgrade, non-interactive, waiting for the dpkg lock (cloud-init may still hold it).
 * Cheap when there is nothing to do: lists fetched within the freshness window are not fetched again,
 * and when neither the installed packages nor the lists changed since a run left nothing to upgrade,
 * the upgrade simulation is skipped too.
 */
export async function updates(
	session: SshSession,
	profile: HardenProfile,
	checkOnly: boolean,
): Promise<StepOutcome> {
	const script = `set -e
export DEBIAN_FRONTEND=noninteractive
${
	profile.refreshPackageLists
		? `if [ -z "$(find ${REFRESHED_STAMP} -mmin -${LISTS_FRESH_MINUTES} 2>/dev/null)" ]; then ${APT} update >&2; touch ${REFRESHED_STAMP}; echo refreshed=1; fi`
		: ''
}
if [ "$(cat ${UP_TO_DATE_STAMP} 2>/dev/null)" = "$(${APT_STATE})" ]; then echo pending=0; exit 0; fi
pending=$(${APT} -s upgrade | grep -c '^Inst ' || true)
echo "pending=$pending"
${checkOnly ? '' : `[ "$pending" = 0 ] || ${APT} -y upgrade >&2\n${APT_STATE} > ${UP_TO_DATE_STAMP}`}`;
	const result = await session.check('System update', script);
	const pending = Number(/pending=(\d+)/.exec(result.stdout)?.[1] ?? 0);
	const refreshed = /refreshed=1/.test(result.stdout);
	return {
		changed: pending > 0,
		details: {
			upgraded: checkOnly ? 0 : pending,
			pending: checkOnly ? pending : 0,
			listsRefreshed: refreshed,
		},
	};
}
