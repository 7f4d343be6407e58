import { createHash } from 'node:crypto';

import {
	assertNoControlChars,
	formatHostPort,
	hostMatchesPattern,
	InputError,
	parseHostname,
	parseHostPort,
	toList,
} from '../../../lib/validation';
import { quoted } from '../../../lib/errors';

export const LB_POLICIES = [
	'round_robin',
	'first',
	'random',
	'least_conn',
	'ip_hash',
	'uri_hash',
] as const;
export type LbPolicy = (typeof LB_POLICIES)[number];

/** What a user asks for; everything the node writes to Caddy is derived from this. */
export interface RouteSpec {
	hosts: string[];
	upstreams: string[];
	path?: string;
	tlsServerName?: string;
	tlsCaPem?: string;
	upstreamTls: boolean;
	hsts: boolean;
	securityHeaders: boolean;
	healthCheckUri?: string;
	healthCheckInterval?: string;
	lbPolicy: LbPolicy;
	offlinePage: boolean;
	offlineMessage?: string;
}

export interface RouteInput {
	hosts: unknown;
	upstreams: unknown;
	path?: string;
	upstreamTls?: boolean;
	tlsServerName?: string;
	tlsCaPem?: string;
	hsts?: boolean;
	securityHeaders?: boolean;
	healthCheckUri?: string;
	healthCheckInterval?: string;
	lbPolicy?: string;
	offlinePage?: boolean;
	offlineMessage?: string;
}

export const ROUTE_ID_PREFIX = 'homelab-ingress_';

/**
 * The deterministic `@id` of a managed route: the prefix marks ownership, the primary host makes it
 * stable across runs, a short path hash keeps path routes of one host apart, and the server name keeps
 * it unique across Caddy servers (`/id/` addresses are global). `*` becomes `_` (never valid in a host
 * name) so the id can be used in `/id/<id>` URLs.
 */
export function routeIdFor(server: string, host: string, path?: string): string {
	const pathPart = path ? `_${createHash('sha256').update(path).digest('hex').slice(0, 10)}` : '';
	return `${ROUTE_ID_PREFIX}${host.replace(/\*/g, '_')}${pathPart}@${server}`;
}

export function isManagedId(id: unknown): id is string {
	return typeof id === 'string' && id.startsWith(ROUTE_ID_PREFIX);
}

const PATH_PATTERN = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;
const DURATION = /^\d+(ms|s|m|h)$/;

export function parsePathMatcher(field: string, raw: string): string | undefined {
	const path = raw.trim();
	if (!path) return undefined;
	if (!PATH_PATTERN.test(path)) {
		throw new InputError(
			field,
			`${quoted(path)} must start with / and contain only URL path characters`,
		);
	}
	if (path.split('/').includes('..'))
		throw new InputError(field, `${quoted(path)} must not contain ".."`);
	return path;
}

function parsePem(field: string, raw: string): string | undefined {
	const pem = raw.trim();
	if (!pem) return undefined;
	const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
	if (!blocks)
		throw new InputError(
			field,
			'expected one or more PEM certificates (-----BEGIN CERTIFICATE-----)',
		);
	return blocks.join('\n');
}

/** Validates one route request; throws InputError naming the field. Never touches the network. */
export function parseRouteSpec(input: RouteInput, excludedHosts: string[] = []): RouteSpec {
	const hosts = toList(input.hosts).map((h) => parseHostname('Hostnames', h));
	if (hosts.length === 0) throw new InputError('Hostnames', 'at least one host name is required');
	for (const host of hosts) {
		const pattern = excludedHosts.find((p) => hostMatchesPattern(host, p));
		if (pattern) {
			throw new InputError(
				'Hostnames',
				`${quoted(host)} is on the exclusion list (${pattern}): it must bypass the VPS`,
			);
		}
	}
	const upstreams = toList(input.upstreams).map((u) =>
		formatHostPort(parseHostPort('Upstreams', u)),
	);
	if (upstreams.length === 0)
		throw new InputError('Upstreams', 'at least one upstream (host:port) is required');

	const lbPolicy = (input.lbPolicy || 'round_robin') as LbPolicy;
	if (!LB_POLICIES.includes(lbPolicy)) {
		throw new InputError(
			'Load Balancing Policy',
			`${quoted(lbPolicy)} is not one of ${LB_POLICIES.join(', ')}`,
		);
	}
	const healthCheckUri = input.healthCheckUri?.trim()
		? parsePathMatcher('Health Check URI', input.healthCheckUri)
		: undefined;
	const healthCheckInterval = input.healthCheckInterval?.trim() || undefined;
	if (healthCheckInterval && !DURATION.test(healthCheckInterval)) {
		throw new InputError(
			'Health Check Interval',
			`${quoted(healthCheckInterval)} is not a duration such as 10s or 1m`,
		);
	}
	const tlsServerName = input.tlsServerName?.trim()
		? parseHostname('TLS Server Name', input.tlsServerName, false)
		: undefined;
	const tlsCaPem = input.tlsCaPem ? parsePem('TLS CA Certificate', input.tlsCaPem) : undefined;
	const offlineMessage = input.offlineMessage?.trim()
		? assertNoControlChars('Offline Message', input.offlineMessage.trim())
		: undefined;

	return {
		hosts: [...new Set(hosts)],
		upstreams: [...new Set(upstreams)],
		path: parsePathMatcher('Path', input.path ?? ''),
		upstreamTls: Boolean(input.upstreamTls || tlsServerName || tlsCaPem),
		tlsServerName,
		tlsCaPem,
		hsts: input.hsts ?? true,
		securityHeaders: input.securityHeaders ?? true,
		healthCheckUri,
		healthCheckInterval: healthCheckUri ? (healthCheckInterval ?? '30s') : undefined,
		lbPolicy,
		offlinePage: input.offlinePage ?? false,
		offlineMessage,
	};
}
