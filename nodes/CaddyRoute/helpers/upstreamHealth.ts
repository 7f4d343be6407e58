import { isIP } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { asArray, asObject, type CaddyRoute } from './caddyJson';
import type { RouteSpec } from './routeSpec';

/** Per dial address, what Caddy's `/reverse_proxy/upstreams` counts. */
export interface UpstreamCounts {
	numRequests: number;
	fails: number;
}

/**
 * Where the health flag comes from. Caddy 2.6's `/reverse_proxy/upstreams` has none; its admin
 * `/metrics` gauge is set from each proxy's upstreams every 10 seconds (1 when the last active check
 * passed, 0 after a failed one).
 */
export const HEALTH_SOURCE =
	'caddy_reverse_proxy_upstreams_healthy from Caddy admin /metrics (active health check, refreshed every 10 s)';
const NO_HEALTH_CHECK = 'none: the route has no active health check (set Health Check URI)';

const GAUGE = /^caddy_reverse_proxy_upstreams_healthy\{upstream="((?:[^"\\]|\\.)*)"\}\s+(\S+)/;

/** The `upstreams_healthy` gauges of a Prometheus text exposition, by dial address. */
export function parseHealthGauges(metrics: string): Map<string, boolean> {
	const gauges = new Map<string, boolean>();
	for (const line of metrics.split('\n')) {
		const found = GAUGE.exec(line);
		if (!found) continue;
		const dial = found[1].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
		gauges.set(dial, Number(found[2]) === 1);
	}
	return gauges;
}

/** The `/reverse_proxy/upstreams` answer by dial address; anything not shaped like it is skipped. */
export function parseUpstreamCounts(body: unknown): Map<string, UpstreamCounts> {
	const counts = new Map<string, UpstreamCounts>();
	for (const entry of Array.isArray(body) ? (body as IDataObject[]) : []) {
		if (typeof entry?.address !== 'string') continue;
		counts.set(entry.address, {
			numRequests: Number(entry.num_requests) || 0,
			fails: Number(entry.fails) || 0,
		});
	}
	return counts;
}

/** The route's own proxy (not a forward-auth check): at the top, or inside the offline page's subroute. */
function proxyOf(route: CaddyRoute): IDataObject {
	const top = asArray(route.handle);
	const offline = top.find((h) => h.handler === 'subroute' && h.errors);
	const handle = offline ? asArray(asObject(asArray(offline.routes)[0]).handle) : top;
	return asObject(handle.find((h) => h.handler === 'reverse_proxy'));
}

/**
 * The upstream as the user gave it for a pinned dial address: the same address, else the one name
 * with that port. Undefined when several names share the port (their addresses are not recorded).
 */
function givenFor(dial: string, given: string[]): string | undefined {
	if (given.includes(dial)) return dial;
	const port = portOf(dial);
	const named = given.filter((upstream) => {
		const host = upstream.slice(0, upstream.lastIndexOf(':'));
		return !isIP(host.replace(/^\[|\]$/g, '')) && portOf(upstream) === port;
	});
	return port !== undefined && named.length === 1 ? named[0] : undefined;
}

function portOf(hostPort: string): string | undefined {
	return /:(\d{1,5})$/.exec(hostPort)?.[1];
}

/** One route's upstreams with Caddy's counts and health, and the route's verdict. */
export function routeHealth(
	route: CaddyRoute,
	spec: RouteSpec,
	counts: Map<string, UpstreamCounts>,
	gauges: Map<string, boolean>,
): IDataObject {
	const checked = spec.healthCheckUri !== undefined;
	const upstreams = asArray(proxyOf(route).upstreams).map((upstream) => {
		const dial = String(upstream.dial);
		const gauge = gauges.get(dial);
		return {
			upstream: givenFor(dial, spec.upstreams) ?? null,
			dial,
			healthy: checked && gauge !== undefined ? gauge : null,
			numRequests: counts.get(dial)?.numRequests ?? 0,
			fails: counts.get(dial)?.fails ?? 0,
		};
	});
	const known = upstreams.every((u) => u.healthy !== null) && upstreams.length > 0;
	return {
		healthCheck: checked
			? {
					uri: spec.healthCheckUri,
					interval: spec.healthCheckInterval,
					timeout: spec.healthCheckTimeout,
				}
			: null,
		healthy: known ? upstreams.every((u) => u.healthy) : null,
		serving: known ? upstreams.some((u) => u.healthy) : null,
		healthyUpstreams: upstreams.filter((u) => u.healthy).length,
		upstreams,
		healthSource: checked ? HEALTH_SOURCE : NO_HEALTH_CHECK,
	};
}
