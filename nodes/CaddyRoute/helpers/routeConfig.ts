import type { IDataObject } from 'n8n-workflow';

import { buildAccessHandler, parseAccessHandler } from './accessControl';
import { isManagedId, routeIdFor, type LbPolicy, type RouteSpec } from './routeSpec';
import type { PinnedUpstream } from './upstreamGuard';
import { asArray, asObject, type CaddyRoute } from './caddyJson';
import { buildBuckets, isManagedRoute, managedRoutesOf } from './routeBuckets';

const SECURITY_HEADERS: Record<string, string[]> = {
	'X-Content-Type-Options': ['nosniff'],
	'X-Frame-Options': ['SAMEORIGIN'],
	'Referrer-Policy': ['strict-origin-when-cross-origin'],
};
const HSTS_VALUE = 'max-age=31536000; includeSubDomains';
const DEFAULT_OFFLINE_MESSAGE =
	'This service is hosted at home, and home is offline right now. Please try again later.';

export function routeIdOf(spec: Pick<RouteSpec, 'hosts' | 'path'>, server: string): string {
	return routeIdFor(server, spec.hosts[0], spec.path);
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function offlinePageHtml(message: string | undefined): string {
	const text = escapeHtml(message ?? DEFAULT_OFFLINE_MESSAGE);
	return `<!doctype html><html><head><meta charset="utf-8"><title>Temporarily offline</title></head><body><h1>Temporarily offline</h1><p>${text}</p></body></html>\n`;
}

/** PEM certificates → the base64 DER list Caddy's `root_ca_pool` takes, so no file is needed on the VPS. */
function pemToDerBase64(pem: string): string[] {
	return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
		(block) => block.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''),
	);
}

/**
 * Where a route keeps the upstreams as the user gave them when Caddy dials pinned addresses: a `vars`
 * handler (a plain key/value map Caddy accepts and ignores), so Get, List and Sync read back names.
 */
const GIVEN_UPSTREAMS_VAR = 'homelab_ingress_upstreams';
const GIVEN_AUTH_VAR = 'homelab_ingress_forward_auth';

/** The one DNS name among the pins, when there is exactly one (for SNI and the Host header). */
export function singleUpstreamName(pins: PinnedUpstream[]): string | undefined {
	const names = new Set(pins.map((pin) => pin.name));
	const [only] = names;
	return names.size === 1 ? only : undefined;
}

/**
 * Builds the Caddy JSON for one managed route, dialling the pinned addresses. Same spec and pins →
 * same JSON, so unchanged routes compare equal.
 */
export function buildRoute(
	spec: RouteSpec,
	server: string,
	pins: PinnedUpstream[],
	authPins: PinnedUpstream[] = [],
): CaddyRoute {
	const headers: Record<string, string[]> = {};
	if (spec.hsts) headers['Strict-Transport-Security'] = [HSTS_VALUE];
	if (spec.securityHeaders) Object.assign(headers, SECURITY_HEADERS);

	const dials = [...new Set(pins.flatMap((pin) => pin.dials))];
	const proxy: IDataObject = {
		handler: 'reverse_proxy',
		upstreams: dials.map((dial) => ({ dial })),
		load_balancing: { selection_policy: { policy: spec.lbPolicy } },
	};
	const name = singleUpstreamName(pins);
	if (spec.upstreamTls) {
		const tls: IDataObject = {};
		const serverName = spec.tlsServerName ?? name;
		if (serverName) tls.server_name = serverName;
		if (spec.tlsCaPem) tls.root_ca_pool = pemToDerBase64(spec.tlsCaPem);
		proxy.transport = { protocol: 'http', tls };
	}
	if (spec.upstreamHostHeader && pins.length === 1 && pins[0].name) {
		proxy.headers = { request: { set: { Host: [pins[0].given] } } };
	}
	if (spec.healthCheckUri) {
		proxy.health_checks = {
			active: {
				uri: spec.healthCheckUri,
				interval: spec.healthCheckInterval,
				timeout: spec.healthCheckTimeout ?? '5s',
			},
		};
	}

	const handle: IDataObject[] = [];
	if (Object.keys(headers).length > 0) {
		handle.push({ handler: 'headers', response: { set: headers, deferred: true } });
	}
	handle.push(proxy);

	const match: IDataObject = { host: spec.hosts };
	if (spec.path) match.path = [spec.path];

	// Before anything else: the names behind pinned addresses, then the access checks (outside the
	// offline page's subroute, so an auth answer is never turned into the offline page).
	const before: IDataObject[] = [];
	const given: IDataObject = {};
	if (pins.some((pin) => pin.name)) given[GIVEN_UPSTREAMS_VAR] = spec.upstreams;
	if (spec.access?.forwardAuth && authPins.some((pin) => pin.name)) {
		given[GIVEN_AUTH_VAR] = spec.access.forwardAuth.upstream;
	}
	if (Object.keys(given).length) before.push({ handler: 'vars', ...given });
	if (spec.access) before.push(buildAccessHandler(spec.access, authPins));

	const route: CaddyRoute = { '@id': routeIdOf(spec, server), match: [match], terminal: true };
	if (spec.offlinePage) {
		// A subroute's own error routes answer only for this route: 502/503 from the proxy become a page.
		route.handle = [
			...before,
			{
				handler: 'subroute',
				routes: [{ handle }],
				errors: {
					routes: [
						{
							handle: [
								{
									handler: 'static_response',
									status_code: 503,
									headers: { 'Content-Type': ['text/html; charset=utf-8'], 'Retry-After': ['60'] },
									body: offlinePageHtml(spec.offlineMessage),
								},
							],
						},
					],
				},
			},
		];
	} else {
		route.handle = [...before, ...handle];
	}
	return route;
}

/** Reads a managed route back into its spec (for Get/List/Export); undefined for unmanaged routes. */
export function parseRoute(route: CaddyRoute): (RouteSpec & { routeId: string }) | undefined {
	if (!isManagedRoute(route)) return undefined;
	const match = asObject(asArray(route.match)[0]);
	const top = asArray(route.handle);
	const vars = asObject(top.find((h) => h.handler === 'vars'));
	const accessHandler = top.find((h) => h.handler === 'subroute' && !h.errors);
	const subroute = top.find((h) => h.handler === 'subroute' && h.errors);
	let handle = top;
	let offlineBody: string | undefined;
	if (subroute) {
		handle = asArray(asObject(asArray(subroute.routes)[0]).handle);
		const errorHandler = asObject(
			asArray(asObject(asArray(asObject(subroute.errors).routes)[0]).handle)[0],
		);
		offlineBody = typeof errorHandler.body === 'string' ? errorHandler.body : '';
	}
	const headerSet = asObject(asObject(handle.find((h) => h.handler === 'headers')?.response).set);
	const given = vars[GIVEN_UPSTREAMS_VAR];
	const givenAuth =
		typeof vars[GIVEN_AUTH_VAR] === 'string' ? String(vars[GIVEN_AUTH_VAR]) : undefined;
	const proxy = asObject(handle.find((h) => h.handler === 'reverse_proxy'));
	const transport = asObject(proxy.transport);
	const tls = transport.tls === undefined ? undefined : asObject(transport.tls);
	const active = asObject(asObject(proxy.health_checks).active);
	const pool = Array.isArray(tls?.root_ca_pool) ? (tls?.root_ca_pool as string[]) : [];
	const offlineMessage = offlineBody
		?.match(/<p>([\s\S]*)<\/p>/)?.[1]
		?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

	return {
		routeId: route['@id'] as string,
		hosts: (match.host as string[]) ?? [],
		upstreams: Array.isArray(given)
			? given.map(String)
			: asArray(proxy.upstreams).map((u) => String(u.dial)),
		path: Array.isArray(match.path) ? String(match.path[0]) : undefined,
		upstreamTls: tls !== undefined,
		upstreamHostHeader: 'Host' in asObject(asObject(asObject(proxy.headers).request).set),
		tlsServerName: typeof tls?.server_name === 'string' ? tls.server_name : undefined,
		tlsCaPem: pool.length
			? pool
					.map(
						(der) =>
							`-----BEGIN CERTIFICATE-----\n${der.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----`,
					)
					.join('\n')
			: undefined,
		hsts: 'Strict-Transport-Security' in headerSet,
		securityHeaders: 'X-Content-Type-Options' in headerSet,
		healthCheckUri: typeof active.uri === 'string' ? active.uri : undefined,
		healthCheckInterval: typeof active.interval === 'string' ? active.interval : undefined,
		healthCheckTimeout: typeof active.timeout === 'string' ? active.timeout : undefined,
		lbPolicy:
			(asObject(asObject(proxy.load_balancing).selection_policy).policy as LbPolicy) ??
			'round_robin',
		offlinePage: subroute !== undefined,
		offlineMessage: offlineMessage === DEFAULT_OFFLINE_MESSAGE ? undefined : offlineMessage,
		...(accessHandler ? { access: parseAccessHandler(accessHandler, givenAuth) } : {}),
	};
}

/** Serialises with sorted keys, as Caddy itself returns config, so equal routes compare equal as text. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(
					Object.entries(v as IDataObject).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
				)
			: v,
	);
}

/**
 * Replaces the managed routes of a server's routes with `managed`, laid out in buckets (see
 * routeBuckets.ts), leaving every unmanaged route where it was. The buckets go where the first managed
 * route (or bucket) stood, or before the first catch-all (a route without a matcher, which would
 * otherwise shadow them), or at the end — and in any case before the unmanaged routes at the indexes
 * in `precede` (hosts the user chose to adopt from them). Routes written by earlier versions move into
 * the buckets here.
 */
export function replaceManagedRoutes(
	server: string,
	routes: CaddyRoute[],
	managed: CaddyRoute[],
	precede: number[] = [],
): CaddyRoute[] {
	const unmanaged: CaddyRoute[] = [];
	let insertAt = -1;
	let adoptAt = Infinity;
	routes.forEach((route, index) => {
		if (isManagedId(route['@id'])) {
			if (insertAt < 0) insertAt = unmanaged.length;
			return;
		}
		if (precede.includes(index)) adoptAt = Math.min(adoptAt, unmanaged.length);
		unmanaged.push(route);
	});
	if (insertAt < 0) {
		const catchAll = unmanaged.findIndex((r) => !Array.isArray(r.match) || r.match.length === 0);
		insertAt = catchAll < 0 ? unmanaged.length : catchAll;
	}
	insertAt = Math.min(insertAt, adoptAt);
	const buckets = buildBuckets(server, managed, insertAt);
	return [...unmanaged.slice(0, insertAt), ...buckets, ...unmanaged.slice(insertAt)];
}

/**
 * Whether two host matchers can match a common host. Caddy matches case-insensitively and a `*`
 * label stands for exactly one label, so patterns overlap when they have as many labels and every
 * pair of labels is equal or one of them is `*`.
 */
export function hostsOverlap(a: string, b: string): boolean {
	const left = a.toLowerCase().split('.');
	const right = b.toLowerCase().split('.');
	return (
		left.length === right.length &&
		left.every((label, i) => label === right[i] || label === '*' || right[i] === '*')
	);
}

/**
 * Whether a route's host pattern answers requests for `host`: the same name, or a wildcard for a name
 * one label below it (a wildcard host itself is served only by the same wildcard).
 */
export function hostServes(pattern: string, host: string): boolean {
	const [p, h] = [pattern.toLowerCase(), host.toLowerCase()];
	if (p === h) return true;
	if (!p.startsWith('*.') || h.startsWith('*.')) return false;
	const dot = h.indexOf('.');
	return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

/** An unmanaged route that serves one of the hosts a managed route wants. */
export interface HostConflict {
	host: string;
	index: number;
	/** How to name the route in a message: its `@id`, or its position. */
	route: string;
}

/** Unmanaged routes whose host matchers overlap `hosts` (routes without a host matcher are fallbacks). */
export function unmanagedConflicts(routes: CaddyRoute[], hosts: string[]): HostConflict[] {
	const conflicts: HostConflict[] = [];
	routes.forEach((route, index) => {
		if (isManagedId(route['@id'])) return;
		const matchers = asArray(route.match).flatMap((m) =>
			Array.isArray(m.host) ? (m.host as unknown[]).map(String) : [],
		);
		const host = hosts.find((h) => matchers.some((m) => hostsOverlap(h, m)));
		if (host === undefined) return;
		const id = typeof route['@id'] === 'string' ? `"${route['@id']}"` : 'without an @id';
		conflicts.push({ host, index, route: `${id} (#${index + 1} in the server's routes)` });
	});
	return conflicts;
}

export interface RouteDiff {
	added: string[];
	updated: string[];
	removed: string[];
	unchanged: string[];
}

/** Compares the current managed routes with the desired ones, by route id. */
export function diffRoutes(current: CaddyRoute[], desired: CaddyRoute[]): RouteDiff {
	const before = new Map(
		managedRoutesOf(current).map((r) => [r['@id'] as string, canonicalJson(r)]),
	);
	const diff: RouteDiff = { added: [], updated: [], removed: [], unchanged: [] };
	const seen = new Set<string>();
	for (const route of desired) {
		const id = route['@id'] as string;
		seen.add(id);
		const old = before.get(id);
		if (old === undefined) diff.added.push(id);
		else if (old === canonicalJson(route)) diff.unchanged.push(id);
		else diff.updated.push(id);
	}
	for (const id of before.keys()) if (!seen.has(id)) diff.removed.push(id);
	return diff;
}
