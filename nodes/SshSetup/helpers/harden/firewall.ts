import { formatCidr, type Cidr } from '../../../../lib/net';
import { commandLine } from '../../../../lib/shell';
import { InputError } from '../../../../lib/validation';
import type { SshSession } from '../../transport';
import { ensurePackages } from '../files';
import type { StepOutcome } from '../steps';
import { cidrContains, clientAddress } from '../net';
import type { HardenProfile } from './profile';
import type { ProfileState } from './state';

/**
 * A source as `ufw show added` prints it: one address (/32, /128) without its prefix. Written with the
 * prefix, a rule never matched what ufw printed, so every run re-added it and reported a change.
 */
function ufwSource(cidr: Cidr): string {
	return cidr.prefix === (cidr.version === 6 ? 128 : 32) ? cidr.address : formatCidr(cidr);
}

/** The ufw rules of a profile, as argv after `ufw` (the same form `ufw show added` prints). */
export function firewallRules(profile: HardenProfile, sshPort: number): string[][] {
	const { sshFrom, allow } = profile.firewall;
	const rules = [
		sshFrom
			? ['allow', 'from', ufwSource(sshFrom), 'to', 'any', 'port', String(sshPort), 'proto', 'tcp']
			: ['allow', `${sshPort}/tcp`],
	];
	for (const rule of allow)
		rules.push([
			'allow',
			rule.protocol === 'any' ? String(rule.port) : `${rule.port}/${rule.protocol}`,
		]);
	return rules;
}

/**
 * ufw: deny incoming by default, allow SSH (optionally only from a CIDR) and the listed ports.
 * Refuses, before any change, a rule set that would not let this very connection back in.
 */
export async function firewall(
	session: SshSession,
	profile: HardenProfile,
	checkOnly: boolean,
	probed: ProfileState,
): Promise<StepOutcome> {
	const sshPort = session.target.port;
	const { sshFrom } = profile.firewall;
	if (sshFrom) {
		const client = probed.client || (await clientAddress(session));
		if (!client || !cidrContains(sshFrom, client)) {
			throw new InputError(
				'SSH Allowed From',
				`${formatCidr(sshFrom)} does not contain this connection's address (${client || 'unknown'}); the rule set would cut off SSH`,
			);
		}
	}
	const missingPackages = await ensurePackages(session, ['ufw'], checkOnly, probed.installed);
	const rules = firewallRules(profile, sshPort);
	const state = await session.run('ufw status verbose; echo "--- added"; ufw show added');
	const [status, added = ''] = state.stdout.split('--- added\n');
	const present = new Set(added.split('\n').map((line) => line.trim()));
	const missing = rules.filter((rule) => !present.has(`ufw ${rule.join(' ')}`));
	const active = /^Status: active/m.test(status);
	const denyIn = /Default: deny \(incoming\)/.test(status);
	const changed = missingPackages.length > 0 || missing.length > 0 || !active || !denyIn;
	const details = { rulesAdded: missing.map((rule) => rule.join(' ')), enabled: !active, sshPort };
	if (!changed || checkOnly) return { changed, details };
	// Allow rules go in before the firewall is switched on, so SSH is never blocked in between.
	await session.check(
		'Firewall',
		`set -e
${missing.map((rule) => `ufw ${commandLine(rule)} >/dev/null`).join('\n')}
ufw default deny incoming >/dev/null
ufw default allow outgoing >/dev/null
ufw --force enable >/dev/null
ufw status verbose`,
	);
	return { changed, details };
}
