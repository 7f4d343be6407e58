import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { adminOrigin, caddyRequest, readConfig } from '../transport';

const DEFAULT_ADMIN_LISTEN = 'localhost:2019';
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The origins Caddy allows by default for an admin `listen` address, written with their scheme so the
 * Origin check also compares it: every loopback spelling for a loopback listener, else the address.
 */
export function listenOrigins(listen: string): string[] {
	const address = listen.replace(/^tcp[46]?\//, '');
	const match = /^(.*):(\d+)$/.exec(address);
	if (!match) return [];
	const [, host, port] = match;
	const loopback = host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
	const hosts = loopback ? [...new Set([...LOOPBACK_HOSTS, host])] : [host];
	return hosts.filter(Boolean).map((h) => `http://${h}:${port}`);
}

/**
 * Switches on Caddy's admin origin enforcement: the admin endpoint then answers only requests whose
 * Host and Origin are its own (the listen address, and the origin this credential uses), so a request
 * relayed to it through any public site is refused even if some route ever pointed at it. Existing
 * origins are kept; a unix-socket admin endpoint needs nothing.
 */
export async function ensureAdminOrigins(
	this: IExecuteFunctions,
	baseUrl: string,
): Promise<IDataObject> {
	const { value } = await readConfig.call(this, 'admin');
	const admin: IDataObject = value ?? {};
	const listen = typeof admin.listen === 'string' ? admin.listen : DEFAULT_ADMIN_LISTEN;
	if (listen.startsWith('unix/')) return { adminOriginEnforced: false, adminChanged: false };
	const current = Array.isArray(admin.origins) ? (admin.origins as string[]) : undefined;
	const origins = [...new Set([...(current ?? listenOrigins(listen)), adminOrigin(baseUrl)])];
	const enforced = admin.enforce_origin === true;
	const complete = current !== undefined && origins.length === current.length;
	if (enforced && complete) {
		return { adminOriginEnforced: true, adminChanged: false, adminOrigins: origins };
	}
	const next = { ...admin, listen, enforce_origin: true, origins };
	await caddyRequest.call(this, value ? 'PATCH' : 'POST', '/config/admin', next);
	return { adminOriginEnforced: true, adminChanged: true, adminOrigins: origins };
}
