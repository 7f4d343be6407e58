import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import { classifyAddress } from '../../../lib/net';
import { InputError, parseHostPort } from '../../../lib/validation';
import { quoted } from '../../../lib/errors';

const LOOKUP_TIMEOUT_MS = 3_000;

async function resolve(host: string): Promise<string[]> {
	if (isIP(host)) return [host];
	if (host === 'localhost' || host.endsWith('.localhost')) return ['127.0.0.1', '::1'];
	const timeout = new Promise<string[]>((resolveTimeout) => {
		setTimeout(() => resolveTimeout([]), LOOKUP_TIMEOUT_MS).unref();
	});
	// A name that does not resolve here (a tunnel name only the VPS knows) is left to Caddy to dial.
	const answer = lookup(host, { all: true }).then(
		(addresses) => addresses.map((a) => a.address),
		() => [] as string[],
	);
	return await Promise.race([answer, timeout]);
}

export interface AdminListener {
	host: string;
	port: number;
}

/** The admin endpoint as given by the credential URL (e.g. http://localhost:2019). */
export function adminListenerOf(baseUrl: string): AdminListener {
	const url = new URL(baseUrl);
	const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
	return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

/**
 * Refuses upstreams a public route must never reach: the admin API itself (by name or by any address
 * it resolves to), link-local and cloud metadata addresses, the unspecified address, and loopback unless
 * the user switched that on in the node (the option accepts no expressions, so webhook data cannot).
 */
export async function assertSafeUpstreams(
	upstreams: string[],
	admin: AdminListener,
	allowLoopback: boolean,
): Promise<void> {
	const adminAddresses = new Set(await resolve(admin.host));
	const adminIsLocal = [...adminAddresses].some((a) => classifyAddress(a) !== 'other');
	for (const upstream of upstreams) {
		const { host, port } = parseHostPort('Upstreams', upstream);
		const addresses = await resolve(host);
		for (const address of addresses) {
			const kind = classifyAddress(address);
			const reachesAdmin =
				port === admin.port &&
				(adminAddresses.has(address) || host === admin.host || (adminIsLocal && kind !== 'other'));
			if (reachesAdmin) {
				throw new InputError(
					'Upstreams',
					`${quoted(upstream)} points at Caddy's admin API; a route may never expose it`,
				);
			}
			if (kind === 'link-local') {
				throw new InputError(
					'Upstreams',
					`${quoted(upstream)} is a link-local or cloud metadata address (${address})`,
				);
			}
			if (kind === 'unspecified') {
				throw new InputError(
					'Upstreams',
					`${quoted(upstream)} uses the unspecified address ${address}`,
				);
			}
			if (kind === 'loopback' && !allowLoopback) {
				throw new InputError(
					'Upstreams',
					`${quoted(upstream)} is a loopback address (${address}); switch on "Allow Loopback Upstreams" in the node to permit it`,
				);
			}
		}
	}
}
