import { renderTemplate } from '../../../../lib/templates';
import { InputError } from '../../../../lib/validation';
import { SshError, SshSession, type SshTarget } from '../../transport';
import { keyValues, type StepOutcome } from '../steps';
import type { HardenProfile } from './profile';
import { quoted } from '../../../../lib/errors';

export const SSHD_DROP_IN = '/etc/ssh/sshd_config.d/01-homelab-hardening.conf';
const BACKUP = '/etc/ssh/.01-homelab-hardening.conf.hli-previous';

/** Effective values (`sshd -T`, lower-case keys) this profile requires. */
export function expectedSshd(profile: HardenProfile): Record<string, string> {
	return {
		permitrootlogin: profile.sshd.permitRootLogin === 'no' ? 'no' : 'without-password',
		passwordauthentication: 'no',
		kbdinteractiveauthentication: 'no',
		permitemptypasswords: 'no',
		pubkeyauthentication: 'yes',
		x11forwarding: 'no',
		maxauthtries: String(profile.sshd.maxAuthTries),
	};
}

/** Refuses settings that would shut out the very login this node is using. */
export function assertNoLockout(profile: HardenProfile, loginUser: string): void {
	if (profile.sshd.permitRootLogin === 'no' && loginUser === 'root') {
		throw new InputError(
			'Root Login',
			'"no" would lock out this connection (it logs in as root). Create the admin user first, switch the credential to it, then forbid root logins.',
		);
	}
	if (profile.sshd.allowUsers.length && !profile.sshd.allowUsers.includes(loginUser)) {
		throw new InputError(
			'Allow Users',
			`must include ${quoted(loginUser)}, the user this connection logs in as`,
		);
	}
}

// Ubuntu 24.04 starts sshd from ssh.socket, where /run/sshd may not exist yet and sshd -t would fail.
const SSHD_TEST = '{ mkdir -p /run/sshd && sshd -t; }';
// sshd re-executes itself on SIGHUP, and systemctl reload returns before it has: a login right after it
// can still be served by the old daemon with the old settings, and so prove nothing. Wait (at most 10 s)
// until sshd holds a socket it did not hold before, i.e. its old listeners are gone. Under ssh.socket
// the listeners belong to systemd and stay, so there is nothing to wait for.
const RELOAD = `sockets() { ls -l "/proc/$1/fd" 2>/dev/null | grep -o 'socket:\\[[0-9]*\\]' | sort -u | tr '\\n' ' '; }
fresh() { for s in $(sockets "$1"); do case " $2 " in *" $s "*) ;; *) return 0;; esac; done; return 1; }
for unit in ssh.service sshd.service; do
	if systemctl is-active --quiet "$unit"; then
		pid=$(systemctl show -p MainPID --value "$unit"); before=$(sockets "$pid")
		systemctl reload "$unit"
		if ! systemctl is-active --quiet ssh.socket; then
			for i in $(seq 1 100); do fresh "$pid" "$before" && break; sleep 0.1; done
		fi
		break
	fi
done`;
const INCLUDE =
	"grep -qE '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config.d/\\*\\.conf' /etc/ssh/sshd_config";

function effectiveMismatches(sshdT: string, expected: Record<string, string>): string[] {
	const actual: Record<string, string> = {};
	for (const line of sshdT.split('\n')) {
		const [key, ...value] = line.trim().split(/\s+/);
		if (key && !(key in actual)) actual[key.toLowerCase()] = value.join(' ').toLowerCase();
	}
	return Object.entries(expected)
		.filter(([key, value]) => actual[key] !== value)
		.map(([key, value]) => `${key} is "${actual[key] ?? '(unset)'}", expected "${value}"`);
}

const RELISTEN_WINDOW_MS = 15_000;

/**
 * sshd re-executes itself on SIGHUP and closes its listener for a moment, so a login right after a
 * reload can be refused at TCP level. Retries only that; a refused login (auth) fails at once.
 */
async function openWhenListening(target: SshTarget): Promise<SshSession> {
	const deadline = Date.now() + RELISTEN_WINDOW_MS;
	for (;;) {
		try {
			return await SshSession.open(target);
		} catch (error) {
			const transient = /ECONNREFUSED|ECONNRESET|kex_exchange|closed|handshake/i.test(
				(error as Error).message,
			);
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- helper errors become NodeOperationError in mapItems
			if (!transient || Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}
}

/**
 * Writes the sshd drop-in, validates it with `sshd -t`, reloads sshd, then proves a second key login
 * works before this session ends. Any failure restores the previous drop-in and reloads again,
 * so the server stays reachable.
 */
export async function sshd(
	session: SshSession,
	profile: HardenProfile,
	checkOnly: boolean,
): Promise<StepOutcome> {
	assertNoLockout(profile, session.target.username);
	const content = renderTemplate('sshd-hardening.conf.hbs', {
		permitRootLogin: profile.sshd.permitRootLogin,
		maxAuthTries: profile.sshd.maxAuthTries,
		allowUsers: profile.sshd.allowUsers,
		extraDirectives: profile.sshd.extraDirectives,
	});
	const expected = expectedSshd(profile);
	const state = await session.check(
		'Reading sshd settings',
		`printf 'same='; if cmp -s - ${SSHD_DROP_IN}; then echo 1; else echo 0; fi
printf 'include='; if ${INCLUDE}; then echo 1; else echo 0; fi
printf 'socket='; systemctl is-active ssh.socket 2>/dev/null || true
echo '--- sshd -T'; ${SSHD_TEST} >/dev/null 2>&1 && sshd -T 2>/dev/null || true`,
		{ stdin: content },
	);
	const [head, sshdT = ''] = state.stdout.split('--- sshd -T\n');
	const facts = keyValues(head);
	const mismatches = effectiveMismatches(sshdT, expected);
	const details = { dropIn: SSHD_DROP_IN, socketActivated: facts.socket === 'active' };
	if (facts.same === '1' && facts.include === '1' && mismatches.length === 0)
		return { changed: false, details };
	if (checkOnly) return { changed: true, details: { ...details, wouldFix: mismatches } };

	await session.check(
		'Writing the sshd drop-in',
		`set -e
if [ -f ${SSHD_DROP_IN} ]; then cp -p ${SSHD_DROP_IN} ${BACKUP}; else rm -f ${BACKUP}; fi
NEW=$(mktemp /etc/ssh/sshd_config.d/.hli-new.XXXXXX); trap 'rm -f "$NEW"' EXIT
cat > "$NEW"; chmod 0644 "$NEW"; mv -f "$NEW" ${SSHD_DROP_IN}; trap - EXIT
${INCLUDE} || sed -i '1i Include /etc/ssh/sshd_config.d/*.conf' /etc/ssh/sshd_config
# sshd -t's complaint is kept in a variable: a file in a shared temp folder could be a planted symlink.
if ! rejected=$(${SSHD_TEST} 2>&1); then
	if [ -f ${BACKUP} ]; then mv -f ${BACKUP} ${SSHD_DROP_IN}; else rm -f ${SSHD_DROP_IN}; fi
	echo "sshd -t rejected the new settings; the previous drop-in was restored:" >&2
	printf '%s\n' "$rejected" >&2; exit 3
fi
${RELOAD}`,
		{ stdin: content },
	);
	try {
		const second = await openWhenListening(session.target);
		try {
			await second.check('Second login', 'true');
		} finally {
			second.close();
		}
	} catch (error) {
		await session.check(
			'Rolling back the sshd drop-in',
			`if [ -f ${BACKUP} ]; then mv -f ${BACKUP} ${SSHD_DROP_IN}; else rm -f ${SSHD_DROP_IN}; fi
${SSHD_TEST} && { ${RELOAD}; }`,
		);
		(await openWhenListening(session.target).catch(() => undefined))?.close();
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- helper errors become NodeOperationError in mapItems
		throw new SshError(
			'A second SSH login failed after the sshd change, so it was rolled back',
			`The server keeps its previous sshd settings. Login error: ${(error as Error).message}`,
		);
	}
	const verified = await session.check('Verifying sshd settings', `rm -f ${BACKUP}; sshd -T`);
	const remaining = effectiveMismatches(verified.stdout, expected);
	if (remaining.length) {
		throw new SshError('sshd does not use the hardened settings', remaining.join('; '));
	}
	return { changed: true, details: { ...details, fixed: mismatches } };
}
