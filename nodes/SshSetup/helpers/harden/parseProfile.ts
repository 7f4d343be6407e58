import { parseCidr } from '../../../../lib/net';
import { parseUsername } from '../../../../lib/shell';
import { InputError, assertNoControlChars, parsePort, toList } from '../../../../lib/validation';
import { STEP_ORDER, type HardenProfile, type PortRule, type StepName } from './profile';
import { quoted } from '../../../../lib/errors';

export interface HardenParameters {
	steps: string[];
	refreshPackageLists?: boolean;
	adminUsername?: string;
	adminAuthorizedKeys?: string;
	passwordlessSudo?: boolean;
	permitRootLogin?: string;
	maxAuthTries?: number;
	allowUsers?: string;
	extraSshdDirectives?: string;
	keepForwarding?: boolean;
	sshAllowedFrom?: string;
	allowPorts?: string;
	banTime?: string;
	findTime?: string;
	maxRetry?: number;
	ignoreIps?: string;
	autoReboot?: boolean;
	rebootTime?: string;
}

const PUBLIC_KEY =
	/^(?:sk-)?(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp(?:256|384|521))(?:@openssh\.com)? [A-Za-z0-9+/]+={0,3}(?: [^\r\n\0]*)?$/;
const DURATION = /^\d{1,6}[smhdw]?$/;

export function parsePortRule(field: string, raw: string): PortRule {
	const match = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(raw.trim().toLowerCase());
	if (!match) throw new InputError(field, `${quoted(raw)} is not a port, port/tcp or port/udp`);
	return { port: parsePort(field, match[1]), protocol: (match[2] as 'tcp' | 'udp') ?? 'any' };
}

export function parseAuthorizedKeys(field: string, raw: string): string[] {
	const keys = String(raw ?? '')
		.split('\n')
		.map((line) => line.trim())
		.filter(Boolean);
	for (const key of keys) {
		if (!PUBLIC_KEY.test(key))
			throw new InputError(field, `"${key.slice(0, 40)}…" is not an OpenSSH public key line`);
	}
	return keys;
}

/** `Keyword value` lines for sshd; validated for shape only, `sshd -t` judges the values. */
export function parseSshdDirectives(field: string, raw: string): string[] {
	return String(raw ?? '')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line && !line.startsWith('#'))
		.map((line) => {
			assertNoControlChars(field, line);
			if (!/^[A-Za-z][A-Za-z0-9]*\s+\S/.test(line))
				throw new InputError(field, `${quoted(line)} is not "Keyword value"`);
			if (/^(Match|Include)\b/i.test(line))
				throw new InputError(
					field,
					`${quoted(line)}: Match and Include blocks are not allowed here`,
				);
			return line;
		});
}

function parseDuration(field: string, raw: string): string {
	const text = String(raw ?? '').trim();
	if (!DURATION.test(text))
		throw new InputError(field, `${quoted(text)} is not a duration like 600, 10m, 1h or 1d`);
	return text;
}

function parseCount(
	field: string,
	raw: number | undefined,
	min: number,
	max: number,
	fallback: number,
): number {
	const value = raw === undefined || raw === null ? fallback : Number(raw);
	if (!Number.isInteger(value) || value < min || value > max)
		throw new InputError(field, `must be a whole number from ${min} to ${max}`);
	return value;
}

/** Validates every parameter of a Harden run; nothing reaches the server before this passed. */
export function parseProfile(p: HardenParameters): HardenProfile {
	const unknown = p.steps.filter((step) => !STEP_ORDER.includes(step as StepName));
	if (unknown.length) throw new InputError('Steps', `unknown step(s): ${unknown.join(', ')}`);
	const steps = Object.fromEntries(
		STEP_ORDER.map((step) => [step, p.steps.includes(step)]),
	) as Record<StepName, boolean>;
	const adminUsername = String(p.adminUsername ?? '').trim();
	if (steps.adminUser && !adminUsername)
		throw new InputError('Admin Username', 'is required for the admin user step');
	const authorizedKeys = parseAuthorizedKeys('Admin Authorized Keys', p.adminAuthorizedKeys ?? '');
	if (steps.adminUser && !authorizedKeys.length) {
		throw new InputError(
			'Admin Authorized Keys',
			'at least one public key is needed, or the admin user could never log in',
		);
	}
	const permitRootLogin = p.permitRootLogin ?? 'prohibit-password';
	if (permitRootLogin !== 'prohibit-password' && permitRootLogin !== 'no') {
		throw new InputError(
			'Root Login',
			`${quoted(permitRootLogin)} must be "prohibit-password" or "no"`,
		);
	}
	const rebootTime = String(p.rebootTime ?? '03:30').trim();
	if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(rebootTime))
		throw new InputError('Reboot Time', `${quoted(rebootTime)} is not HH:MM`);
	const sshAllowedFrom = String(p.sshAllowedFrom ?? '').trim();
	return {
		steps,
		refreshPackageLists: p.refreshPackageLists ?? true,
		admin: {
			username: steps.adminUser ? parseUsername('Admin Username', adminUsername) : adminUsername,
			authorizedKeys,
			passwordlessSudo: p.passwordlessSudo ?? true,
		},
		sshd: {
			permitRootLogin,
			maxAuthTries: parseCount('Max Auth Tries', p.maxAuthTries, 1, 10, 3),
			allowUsers: toList(p.allowUsers).map((user) => parseUsername('Allow Users', user)),
			extraDirectives: parseSshdDirectives('Extra sshd Directives', p.extraSshdDirectives ?? ''),
		},
		sysctl: { forwarding: p.keepForwarding ?? true },
		firewall: {
			sshFrom: sshAllowedFrom ? parseCidr('SSH Allowed From', sshAllowedFrom) : undefined,
			allow: toList(p.allowPorts).map((port) => parsePortRule('Allowed Ports', port)),
		},
		fail2ban: {
			banTime: parseDuration('Ban Time', p.banTime ?? '1h'),
			findTime: parseDuration('Find Time', p.findTime ?? '10m'),
			maxRetry: parseCount('Max Retry', p.maxRetry, 1, 100, 5),
			ignoreIps: toList(p.ignoreIps).map((ip) => parseCidr('Ignore IPs', ip)),
		},
		upgrades: { reboot: p.autoReboot ?? false, rebootTime },
	};
}
