import { createHash } from 'node:crypto';

import {
	assertNoControlChars,
	formatHostPort,
	hostMatchesPattern,
	InputError,
	parseHostname,
	parsePublicHostname,
	parseHostPort,
} from '../../../lib/validation';
import { quoted } from '../../../lib/errors';
import { parseAccess, type AccessInput, type AccessSpec } from './accessControl';
import { listOf, parsePathMatcher, ROUTE_LIMITS, textOf } from './routeInput';

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
	/** Send the upstream's DNS name (not the pinned address) as the Host header. */
	upstreamHostHeader: boolean;
	hsts: boolean;
	securityHeaders: boolean;
	healthCheckUri?: string;
	healthCheckInterval?: string;
	lbPolicy: LbPolicy;
	offlinePage: boolean;
	offlineMessage?: string;
	/** IP lists and forward auth, when the route has any. */
	access?: AccessSpec;
}

/** A route request as it arrives (from node fields, a JSON list or webhook data): checked, not trusted. */
export interface RouteInput extends AccessInput {
	hosts: unknown;
	upstreams: unknown;
	path?: unknown;
	upstreamTls?: unknown;
	tlsServerName?: unknown;
	tlsCaPem?: unknown;
	upstreamHostHeader?: unknown;
	hsts?: unknown;
	securityHeaders?: unknown;
	healthCheckUri?: unknown;
	healthCheckInterval?: unknown;
	lbPolicy?: unknown;
	offlinePage?: unknown;
	offlineMessage?: unknown;
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

const DURATION = /^\d+(ms|s|m|h)$/;

function parsePem(field: string, raw: unknown): string | undefined {
	const pem = textOf(field, raw, ROUTE_LIMITS.tlsCaPem).trim();
	if (!pem) return undefined;
	const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
	if (!blocks)
		throw new InputError(
			field,
			'expected one or more PEM certificates (-----BEGIN CERTIFICATE-----)',
		);
	return blocks.join('\n');
}

function flagOf(field: string, value: unknown, fallback: boolean): boolean {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value === 'boolean') return value;
	throw new InputError(field, 'must be true or false');
}

/** Validates one route request; throws InputError naming the field. Never touches the network. */
export function parseRouteSpec(input: RouteInput, excludedHosts: string[] = []): RouteSpec {
	const hosts = listOf('Hostnames', input.hosts, ROUTE_LIMITS.hosts).map((h) =>
		parsePublicHostname('Hostnames', h),
	);
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
	const upstreams = listOf('Upstreams', input.upstreams, ROUTE_LIMITS.upstreams).map((u) =>
		formatHostPort(parseHostPort('Upstreams', u)),
	);
	if (upstreams.length === 0)
		throw new InputError('Upstreams', 'at least one upstream (host:port) is required');

	const lbPolicy = (textOf('Load Balancing Policy', input.lbPolicy, 32) ||
		'round_robin') as LbPolicy;
	if (!LB_POLICIES.includes(lbPolicy)) {
		throw new InputError(
			'Load Balancing Policy',
			`${quoted(lbPolicy)} is not one of ${LB_POLICIES.join(', ')}`,
		);
	}
	const healthCheckUri = parsePathMatcher('Health Check URI', input.healthCheckUri);
	const healthCheckInterval =
		textOf('Health Check Interval', input.healthCheckInterval, 32).trim() || undefined;
	if (healthCheckInterval && !DURATION.test(healthCheckInterval)) {
		throw new InputError(
			'Health Check Interval',
			`${quoted(healthCheckInterval)} is not a duration such as 10s or 1m`,
		);
	}
	const tlsServerNameText = textOf('TLS Server Name', input.tlsServerName, 256).trim();
	const tlsServerName = tlsServerNameText
		? parseHostname('TLS Server Name', tlsServerNameText, false)
		: undefined;
	const tlsCaPem = parsePem('TLS CA Certificate', input.tlsCaPem);
	const offlineText = textOf(
		'Offline Message',
		input.offlineMessage,
		ROUTE_LIMITS.offlineMessage,
	).trim();
	const offlineMessage = offlineText
		? assertNoControlChars('Offline Message', offlineText)
		: undefined;
	const access = parseAccess(input);
	const upstreamHostHeader = flagOf('Send Upstream Name as Host', input.upstreamHostHeader, false);

	return {
		hosts: [...new Set(hosts)],
		upstreams: [...new Set(upstreams)],
		path: parsePathMatcher('Path', input.path),
		upstreamTls:
			flagOf('Upstream TLS', input.upstreamTls, false) || Boolean(tlsServerName || tlsCaPem),
		tlsServerName,
		tlsCaPem,
		upstreamHostHeader,
		hsts: flagOf('HSTS', input.hsts, true),
		securityHeaders: flagOf('Security Headers', input.securityHeaders, true),
		healthCheckUri,
		healthCheckInterval: healthCheckUri ? (healthCheckInterval ?? '30s') : undefined,
		lbPolicy,
		offlinePage: flagOf('Offline Page', input.offlinePage, false),
		offlineMessage,
		...(access ? { access } : {}),
	};
}
