import { isIP } from 'node:net';

import { quoted } from '../../../lib/errors';
import { canonicalAddress, classifyAddress, type NetworkSet } from '../../../lib/net';
import { formatHostPort, InputError, parseHostPort } from '../../../lib/validation';
import { resolveName, ResolveFailure } from './resolveName';

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

/** What the node settings allow upstreams to reach. Fixed in the node: webhook data cannot widen it. */
export interface UpstreamPolicy {
	allowedNetworks: NetworkSet;
	allowLoopback: boolean;
	admin: AdminListener;
}

/** An upstream as the user gave it, and the addresses Caddy is told to dial for it. */
export interface PinnedUpstream {
	/** `host:port` as given (normalised). */
	given: string;
	/** The DNS name, when the upstream was given by name. */
	name?: string;
	port: number;
	/** `addr:port` dial addresses, sorted. */
	dials: string[];
}

function isLocalName(host: string): boolean {
	return host === 'localhost' || host.endsWith('.localhost');
}

/** The addresses a host stands for: itself when it is an IP literal, else every DNS answer. */
async function addressesOf(field: string, upstream: string, host: string): Promise<string[]> {
	if (isIP(host)) return [host];
	// RFC 6761: localhost names are loopback; pinned to IPv4 so a route never alternates families.
	if (isLocalName(host)) return ['127.0.0.1'];
	try {
		return await resolveName(host);
	} catch (error) {
		const code = error instanceof ResolveFailure ? error.code : 'EFAIL';
		const what =
			code === 'ENOTFOUND' ? 'has no A or AAAA record' : `could not be resolved (${code})`;
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- becomes a NodeOperationError naming the field
		throw new InputError(
			field,
			`${quoted(upstream)} ${what}; a route is published only to addresses the node has checked`,
		);
	}
}

async function adminAddressesOf(admin: AdminListener): Promise<Set<string>> {
	try {
		return new Set(
			(await addressesOf('Admin API URL', admin.host, admin.host)).map(canonicalAddress),
		);
	} catch {
		// The admin API answered by this name moments ago; if it does not resolve now, match by name only.
		return new Set();
	}
}

/** Refuses one address of an upstream, or returns normally when the policy allows it. */
function checkAddress(
	field: string,
	upstream: string,
	address: string,
	port: number,
	policy: UpstreamPolicy,
	adminAddresses: Set<string>,
): void {
	const kind = classifyAddress(address);
	const adminIsLocal = [...adminAddresses].some((a) => classifyAddress(a) !== 'other');
	const reachesAdmin =
		port === policy.admin.port &&
		(adminAddresses.has(canonicalAddress(address)) ||
			(adminIsLocal && (kind === 'loopback' || kind === 'unspecified')));
	const refuse = (why: string) => {
		throw new InputError(field, `${quoted(upstream)} ${why}`);
	};
	if (reachesAdmin) refuse("points at Caddy's admin API; a route may never expose it");
	if (kind === 'link-local') refuse(`is a link-local or cloud metadata address (${address})`);
	if (kind === 'unspecified') refuse(`uses the unspecified address ${address}`);
	if (kind === 'non-unicast') refuse(`uses ${address}, which is not a unicast address`);
	if (kind === 'loopback' && !policy.allowLoopback) {
		refuse(
			`is a loopback address (${address}); switch on "Allow Loopback Upstreams" in the node (and list the address in "Allowed Upstream Networks") to permit it`,
		);
	}
	if (!policy.allowedNetworks.contains(address)) {
		const allowed = policy.allowedNetworks.cidrs.map((c) => `${c.address}/${c.prefix}`).join(', ');
		refuse(
			`resolves to ${address}, outside the allowed upstream networks (${allowed || 'none'}); add its network to "Allowed Upstream Networks" in the node`,
		);
	}
}

/**
 * Checks every upstream against the policy and pins it: a DNS name is resolved here, every answer is
 * checked, and Caddy is given those addresses to dial. Caddy never resolves the name itself, so a
 * name that is re-pointed after this check (DNS rebinding) cannot move a published route.
 */
export async function pinUpstreams(
	upstreams: string[],
	policy: UpstreamPolicy,
	field = 'Upstreams',
): Promise<PinnedUpstream[]> {
	const adminAddresses = await adminAddressesOf(policy.admin);
	const pinned: PinnedUpstream[] = [];
	for (const upstream of upstreams) {
		const { host, port, ipVersion } = parseHostPort(field, upstream);
		if (!ipVersion && host === policy.admin.host && port === policy.admin.port) {
			throw new InputError(
				field,
				`${quoted(upstream)} points at Caddy's admin API; a route may never expose it`,
			);
		}
		const addresses = await addressesOf(field, upstream, host);
		for (const address of addresses) {
			checkAddress(field, upstream, address, port, policy, adminAddresses);
		}
		pinned.push({
			given: upstream,
			name: ipVersion ? undefined : host,
			port,
			dials: addresses
				.map((address) => formatHostPort({ host: canonicalAddress(address), port }))
				.sort(),
		});
	}
	return pinned;
}
