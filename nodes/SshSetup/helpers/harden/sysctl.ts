import { renderTemplate } from '../../../../lib/templates';
import type { SshSession } from '../../transport';
import { ensureFile } from '../files';
import { keyValues, type StepOutcome } from '../steps';
import type { HardenProfile } from './profile';
import type { ProfileState } from './state';

export const SYSCTL_FILE = '/etc/sysctl.d/60-homelab-hardening.conf';
export const BBR_MODULE_FILE = '/etc/modules-load.d/homelab-bbr.conf';

/** `key = value` pairs of a sysctl.d file. */
export function sysctlPairs(content: string): Array<[string, string]> {
	return content
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line && !line.startsWith('#'))
		.map((line) => line.split('=').map((part) => part.trim()) as [string, string]);
}

/** Prints `key=current value` for each key the kernel offers, `key=-` for the others. */
function readScript(keys: string[]): string {
	return keys
		.map(
			(key) =>
				`f=/proc/sys/${key.replace(/\./g, '/')}; if [ -r "$f" ]; then echo "${key}=$(cat "$f")"; else echo "${key}=-"; fi`,
		)
		.join('\n');
}

/** TCP BBR and a curated sysctl set, applied now and persisted in sysctl.d; BBR is verified active. */
export async function sysctl(
	session: SshSession,
	profile: HardenProfile,
	checkOnly: boolean,
	state: ProfileState,
): Promise<StepOutcome> {
	const content = renderTemplate('sysctl-hardening.conf.hbs', {
		forwarding: profile.sysctl.forwarding ? 1 : 0,
	});
	const pairs = sysctlPairs(content);
	const keys = pairs.map(([key]) => key);
	const differing = async () => {
		const current = keyValues(
			(await session.check('Reading sysctl values', readScript(keys))).stdout,
		);
		return {
			unavailable: keys.filter((key) => current[key] === '-'),
			differ: pairs
				.filter(
					([key, value]) => current[key] !== '-' && current[key]?.replace(/\s+/g, ' ') !== value,
				)
				.map(([key]) => key),
		};
	};
	const before = await differing();
	const fileChanged = await ensureFile(
		session,
		{ path: SYSCTL_FILE, content },
		checkOnly,
		state.files,
	);
	const moduleChanged = await ensureFile(
		session,
		{ path: BBR_MODULE_FILE, content: 'tcp_bbr\n' },
		checkOnly,
		state.files,
	);
	const changed = fileChanged || moduleChanged || before.differ.length > 0;
	if (checkOnly || before.differ.length === 0) {
		return {
			changed,
			details: { file: SYSCTL_FILE, differ: before.differ, unavailable: before.unavailable },
		};
	}
	// Only load the module when the kernel lacks BBR (never needed on a kernel that has it built in).
	await session.check(
		'Applying sysctl settings',
		`grep -qw bbr /proc/sys/net/ipv4/tcp_available_congestion_control || modprobe tcp_bbr
sysctl -e -q -p ${SYSCTL_FILE}`,
	);
	const after = await differing();
	if (after.differ.length)
		throw new Error(`sysctl values did not take effect: ${after.differ.join(', ')}`);
	return {
		changed,
		details: { file: SYSCTL_FILE, applied: before.differ, unavailable: after.unavailable },
	};
}
