import { quote } from '../../../../lib/shell';
import type { SshSession } from '../../transport';
import { ensureFile } from '../files';
import { keyValues, type StepOutcome } from '../steps';
import type { HardenProfile } from './profile';
import type { ProfileState } from './state';

export const sudoersFile = (username: string) => `/etc/sudoers.d/90-homelab-${username}`;

/** An admin user with the given keys added to its authorized_keys (existing keys are kept) and sudo. */
export async function adminUser(
	session: SshSession,
	profile: HardenProfile,
	checkOnly: boolean,
	state: ProfileState,
): Promise<StepOutcome> {
	const { username, authorizedKeys, passwordlessSudo } = profile.admin;
	const user = quote(username);
	const script = `set -e
if id -u ${user} >/dev/null 2>&1; then echo created=0; else
	${checkOnly ? 'echo created=1; exit 0' : `useradd --create-home --shell /bin/bash ${user}; echo created=1`}
fi
home=$(getent passwd ${user} | cut -d: -f6)
keys="$home/.ssh/authorized_keys"
${checkOnly ? '' : `install -d -m 700 -o ${user} -g "$(id -gn ${user})" "$home/.ssh"; [ -f "$keys" ] || install -m 600 -o ${user} -g "$(id -gn ${user})" /dev/null "$keys"`}
added=0
while IFS= read -r key; do
	blob=$(printf '%s\\n' "$key" | awk '{print $2}')
	if ! { [ -f "$keys" ] && grep -qF -- "$blob" "$keys"; }; then
		${checkOnly ? '' : 'printf \'%s\\n\' "$key" >> "$keys"'}
		added=$((added + 1))
	fi
done
echo added=$added`;
	const account = keyValues(
		(await session.check('Admin user', script, { stdin: authorizedKeys.join('\n') + '\n' })).stdout,
	);
	const sudoers = `# Managed by n8n-nodes-homelab-ingress (SSH Setup node)\n${username} ALL=(ALL:ALL) ${passwordlessSudo ? 'NOPASSWD: ' : ''}ALL\n`;
	const sudoChanged =
		account.created === '1' && checkOnly
			? true
			: await ensureFile(
					session,
					{
						path: sudoersFile(username),
						content: sudoers,
						mode: '0440',
						validate: 'visudo -cqf "$NEW"',
					},
					checkOnly,
					state.files,
				);
	const created = account.created === '1';
	const keysAdded = Number(account.added ?? 0);
	return {
		changed: created || keysAdded > 0 || sudoChanged,
		details: { username, created, keysAdded, sudoChanged },
	};
}
