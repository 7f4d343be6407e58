/** The homelabSshApi credential as an SSH target, with a node's overrides (a fresh VPS's IP and pin). */
import { isIP } from 'node:net';

import { quoted } from './errors';
import type { SshTarget } from './ssh-session';
import { InputError, parseHostname, parsePort } from './validation';

export const CREDENTIAL = 'homelabSshApi';

export interface SshCredentialData {
	host: string;
	port: number;
	username: string;
	privateKey: string;
	passphrase?: string;
	hostKeyFingerprint?: string;
	sudoPassword?: string;
}

function parseHost(field: string, raw: string): string {
	const host = String(raw ?? '').trim();
	return isIP(host) ? host : parseHostname(field, host, false);
}

/** The credential's login with the item's overrides (a fresh VPS IP and the fingerprint it reported). */
export function targetFromCredential(
	data: SshCredentialData,
	overrides: Partial<SshTarget> = {},
): SshTarget {
	const username = String(data.username || 'root').trim();
	if (!/^[a-z_][a-z0-9_.-]{0,31}$/.test(username))
		throw new InputError('Username', `${quoted(username)} is not a valid user name`);
	return {
		host: parseHost('Host', overrides.host || data.host),
		port: parsePort('Port', data.port ?? 22),
		username,
		privateKey: String(data.privateKey ?? '').replace(/\r\n/g, '\n'),
		passphrase: data.passphrase || undefined,
		fingerprint: overrides.fingerprint || data.hostKeyFingerprint || '',
		sudoPassword: data.sudoPassword || undefined,
		...Object.fromEntries(
			Object.entries(overrides).filter(([key]) => !['host', 'fingerprint'].includes(key)),
		),
	};
}
