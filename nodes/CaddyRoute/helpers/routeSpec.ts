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
	/** How long one active check may take (at most the interval). */
	healthCheckTimeout?: string;
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
	healthCheckTimeout?: unknown;
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

const DURATION = /^(\d{1,7})(ms|s|m|h)$/;
const DURATION_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Bounds of the active health check, so a route can neither hammer home nor hang a check. */
export const HEALTH_CHECK_LIMITS = {
	interval: { min: 1000, max: 3_600_000 },
	timeout: { min: 1000, max: 60_000 },
	defaultInterval: '30s',
	defaultTimeout: '5s',
};

/** A Caddy duration such as 10s or 1m within [min, max] ms, with its length in ms. */
function durationOf(
	field: string,
	raw: unknown,
	bounds: { min: number; max: number },
): { text: string; ms: number } | undefined {
	const text = textOf(field, raw, 32).trim();
	if (!text) return undefined;
	const parts = DURATION.exec(text);
	if (!parts) throw new InputError(field, `${quoted(text)} is not a duration such as 10s or 1m`);
	const ms = Number(parts[1]) * DURATION_MS[parts[2] as keyof typeof DURATION_MS];
	if (ms < bounds.min || ms > bounds.max) {
		throw new InputError(
			field,
			`${quoted(text)} is outside ${bounds.min / 1000} s to ${bounds.max / 1000} s`,
		);
	}
	return { text, ms };
}

/** The active health check's timing: defaults 30s and 5s, the timeout never longer than the interval. */
function healthCheckTiming(input: RouteInput): { interval: string; timeout: string } {
	const limits = HEALTH_CHECK_LIMITS;
	const interval = durationOf('Health Check Interval', input.healthCheckInterval, limits.interval);
	const timeout = durationOf('Health Check Timeout', input.healthCheckTimeout, limits.timeout);
	if (interval && timeout && timeout.ms > interval.ms) {
		throw new InputError(
			'Health Check Timeout',
			`${quoted(timeout.text)} is longer than the interval (${interval.text})`,
		);
	}
	const intervalText = interval?.text ?? limits.defaultInterval;
	const defaultTimeout = interval && interval.ms < 5000 ? interval.text : limits.defaultTimeout;
	return { interval: intervalText, timeout: timeout?.text ?? defaultTimeout };
}

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
	const healthTiming = healthCheckTiming(input);
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
		healthCheckInterval: healthCheckUri ? healthTiming.interval : undefined,
		healthCheckTimeout: healthCheckUri ? healthTiming.timeout : undefined,
		lbPolicy,
		offlinePage: flagOf('Offline Page', input.offlinePage, false),
		offlineMessage,
		...(access ? { access } : {}),
	};
}
