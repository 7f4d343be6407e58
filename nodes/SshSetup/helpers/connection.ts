import type { IExecuteFunctions } from 'n8n-workflow';

import { parseHostname, parsePort } from '../../../lib/validation';
import { InputError } from '../../../lib/validation';
import { SshSession, type SshTarget } from '../transport';
import { isIP } from 'node:net';
import { quoted } from '../../../lib/errors';

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

export async function targetAt(this: IExecuteFunctions, itemIndex: number): Promise<SshTarget> {
	const credentials = await this.getCredentials<SshCredentialData>(CREDENTIAL, itemIndex);
	const connection = this.getNodeParameter('connection', itemIndex, {}) as {
		host?: string;
		hostKeyFingerprint?: string;
		readyTimeout?: number;
		commandTimeout?: number;
	};
	const hostKeyCheck = this.getNodeParameter('hostKeyCheck', itemIndex, 'pinned') as string;
	return targetFromCredential(credentials, {
		host: connection.host?.trim() || undefined,
		fingerprint: connection.hostKeyFingerprint?.trim() || undefined,
		trustOnFirstUse: hostKeyCheck === 'trustOnFirstUse',
		readyTimeoutMs: (connection.readyTimeout ?? 20) * 1000,
		commandTimeoutMs: (connection.commandTimeout ?? 600) * 1000,
		signal: this.getExecutionCancelSignal?.(),
	});
}

/** Opens a session for one item, hands it to `work`, and always closes it. */
export async function withSession<T>(
	context: IExecuteFunctions,
	itemIndex: number,
	work: (session: SshSession) => Promise<T>,
): Promise<T> {
	const session = await SshSession.open(await targetAt.call(context, itemIndex));
	try {
		return await work(session);
	} finally {
		session.close();
	}
}
