import { asArray, asObject, type CaddyRoute } from './caddyJson';
import { fnv1a } from './fnv1a';
import { isManagedId, ROUTE_ID_PREFIX } from './routeSpec';

/**
 * Where the managed routes of one server live in Caddy's config: a fixed run of top-level routes, the
 * buckets. Four tiers in precedence order — exact hosts with a path, exact hosts, wildcards with a
 * path, wildcards — of HOST_BUCKETS + 1 buckets each. A bucket matches the hosts of its routes and
 * holds them in a subroute.
 *
 * Order comes from the structure, not from indexes: a route's tier follows from its hosts and path,
 * its bucket from its first host (routes with several hosts share one bucket per tier). So adding,
 * changing or removing a route touches one small bucket: the change reads that bucket, not the whole
 * config, and replaces it guarded by If-Match on the bucket alone (one admin request, one reload).
 * The buckets are top-level routes because Caddy's automatic HTTPS reads the host matchers of
 * top-level routes only, and those decide which certificates it obtains.
 */
export const TIER_COUNT = 4;
/** Buckets for routes with one host, per tier; one more bucket holds the routes with several hosts. */
export const HOST_BUCKETS = 32;
export const SHARED_BUCKET = HOST_BUCKETS;
const BUCKETS_PER_TIER = HOST_BUCKETS + 1;
export const BUCKET_COUNT = TIER_COUNT * BUCKETS_PER_TIER;

/**
 * Each bucket records its own config path (a `vars` handler, which Caddy accepts and only copies into
 * request variables): If-Match needs the path, and the admin API only resolves `/id/` in URLs.
 */
const PATH_VAR = 'homelab_ingress_config_path';

export interface Location {
	tier: number;
	bucket: number;
}

export function bucketIdFor(server: string, { tier, bucket }: Location): string {
	return `${ROUTE_ID_PREFIX}bucket-${tier}-${bucket}@${server}`;
}

/** Ids of the buckets: managed by this package, but not routes. */
export function isBucketId(id: unknown): boolean {
	return typeof id === 'string' && /^homelab-ingress_bucket-\d+-\d+@/.test(id);
}

export function isManagedRoute(route: CaddyRoute): boolean {
	return isManagedId(route['@id']) && !isBucketId(route['@id']);
}

/** The hosts of a route's first matcher. */
export function hostsOf(route: CaddyRoute): string[] {
	const match = asObject(asArray(route.match)[0]);
	return Array.isArray(match.host) ? (match.host as unknown[]).map(String) : [];
}

export function pathOf(route: CaddyRoute): string | undefined {
	const match = asObject(asArray(route.match)[0]);
	return Array.isArray(match.path) ? String(match.path[0]) : undefined;
}

/** A host's bucket: FNV-1a of the lower-cased name (host names are ASCII, IDNs in punycode). */
export function hostBucket(host: string): number {
	return fnv1a(Buffer.from(host.toLowerCase(), 'utf8')) % HOST_BUCKETS;
}

/** Tier: exact hosts before wildcards, path routes before whole-host routes. */
export function tierOf(wildcard: boolean, hasPath: boolean): number {
	return (wildcard ? 2 : 0) + (hasPath ? 0 : 1);
}

export function locationOf(route: CaddyRoute): Location {
	const hosts = hostsOf(route);
	return {
		tier: tierOf(
			hosts.some((h) => h.startsWith('*.')),
			pathOf(route) !== undefined,
		),
		bucket: hosts.length === 1 ? hostBucket(hosts[0]) : SHARED_BUCKET,
	};
}

/** Within a bucket: longer paths first (the more specific matcher wins), then by id for a stable order. */
export function compareInBucket(a: CaddyRoute, b: CaddyRoute): number {
	const byPath = (pathOf(b)?.length ?? 0) - (pathOf(a)?.length ?? 0);
	if (byPath) return byPath;
	const [ia, ib] = [String(a['@id']), String(b['@id'])];
	return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/** The config path of a bucket when the buckets start at route number `firstIndex` of the server. */
function bucketPath(server: string, firstIndex: number, { tier, bucket }: Location): string {
	return `/config/apps/http/servers/${server}/routes/${firstIndex + tier * BUCKETS_PER_TIER + bucket}`;
}

/** The route number of the first bucket, from a bucket's recorded path. */
export function firstBucketIndex(path: string, { tier, bucket }: Location): number | undefined {
	const index = Number(/\/routes\/(\d+)$/.exec(path)?.[1]);
	return Number.isInteger(index) ? index - tier * BUCKETS_PER_TIER - bucket : undefined;
}

/** One bucket: it matches the hosts of its routes (ordered by compareInBucket) and holds them. */
export function buildBucket(
	server: string,
	location: Location,
	routes: CaddyRoute[],
	path: string,
): CaddyRoute {
	const hosts = [...new Set(routes.flatMap(hostsOf))].sort();
	return {
		'@id': bucketIdFor(server, location),
		...(hosts.length ? { match: [{ host: hosts }] } : {}),
		handle: [
			{ handler: 'vars', [PATH_VAR]: path },
			{ handler: 'subroute', routes: [...routes].sort(compareInBucket) },
		],
	};
}

/** All buckets for `managed`, as routes number `firstIndex` onwards of the server's routes. */
export function buildBuckets(
	server: string,
	managed: CaddyRoute[],
	firstIndex: number,
): CaddyRoute[] {
	const byLocation = new Map<number, CaddyRoute[]>();
	for (const route of managed) {
		const { tier, bucket } = locationOf(route);
		const key = tier * BUCKETS_PER_TIER + bucket;
		const routes = byLocation.get(key);
		if (routes) routes.push(route);
		else byLocation.set(key, [route]);
	}
	const buckets: CaddyRoute[] = [];
	for (let tier = 0; tier < TIER_COUNT; tier++) {
		for (let bucket = 0; bucket < BUCKETS_PER_TIER; bucket++) {
			const location = { tier, bucket };
			const routes = byLocation.get(tier * BUCKETS_PER_TIER + bucket) ?? [];
			buckets.push(buildBucket(server, location, routes, bucketPath(server, firstIndex, location)));
		}
	}
	return buckets;
}

/** A bucket as read from Caddy: its routes, and the config path it recorded for If-Match. */
export interface Bucket {
	routes: CaddyRoute[];
	path: string | undefined;
}

export function parseBucket(value: unknown): Bucket {
	const handle = asArray(asObject(value).handle);
	const vars = asObject(handle.find((h) => h.handler === 'vars'));
	const subroute = asObject(handle.find((h) => h.handler === 'subroute'));
	return {
		routes: asArray(subroute.routes) as CaddyRoute[],
		path: typeof vars[PATH_VAR] === 'string' ? vars[PATH_VAR] : undefined,
	};
}

/**
 * Every managed route of a server's routes, in precedence order: in the buckets, and (until their
 * first change moves them there) top-level routes written by earlier versions.
 */
export function managedRoutesOf(routes: CaddyRoute[]): CaddyRoute[] {
	return routes.flatMap((route) => {
		if (isManagedRoute(route)) return [route];
		return isBucketId(route['@id']) ? parseBucket(route).routes : [];
	});
}
