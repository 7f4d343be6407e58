import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { backoffDelay } from '../../../lib/http-retry';
import { readById, readServerRoutes } from '../transport';
import {
	readBucket,
	readBucketHosts,
	readTopLevelId,
	readTopLevelMatchers,
	writeBucket,
	type BucketSnapshot,
} from '../transport/buckets';
import type { CaddyRoute } from './caddyJson';
import {
	BUCKET_COUNT,
	SHARED_BUCKET,
	TIER_COUNT,
	buildBucket,
	firstBucketIndex,
	hostBucket,
	hostsOf,
	locationOf,
	managedRoutesOf,
	tierOf,
	type Location,
} from './routeBuckets';
import { claimHosts } from './ownership';
import { canonicalJson, hostServes, unmanagedConflicts } from './routeConfig';

/**
 * Changes of one route made inside its bucket (see routeBuckets.ts): small reads, then one guarded
 * admin request. Each returns undefined when that path does not apply — no buckets yet, an adoption,
 * a route moving to another bucket, a bucket that no longer sits where it recorded — and the caller
 * then takes the read-modify-write of the server's routes, which handles every case.
 */

/** Attempts on a bucket that other executions keep changing, before the whole-server path takes over. */
const MAX_ATTEMPTS = 8;

/**
 * The top-level routes outside the buckets, with the `@id`s of those whose matchers touch `hosts` (only
 * those are read: an unmanaged route is named in a conflict, and a managed one is not a conflict).
 * `from` is the index of the first bucket. Undefined when there are too many routes to read one by one.
 */
async function topLevelFor(
	this: IExecuteFunctions,
	server: string,
	from: number,
	hosts: string[],
): Promise<CaddyRoute[] | undefined> {
	const topLevel = await readTopLevelMatchers.call(this, server, { from, count: BUCKET_COUNT });
	if (!topLevel) return undefined;
	const touching = unmanagedConflicts(topLevel, hosts).map((conflict) => conflict.index);
	const ids = await Promise.all(touching.map((index) => readTopLevelId.call(this, server, index)));
	const routes = [...topLevel];
	touching.forEach((index, k) => {
		routes[index] = { ...routes[index], '@id': ids[k] };
	});
	return routes;
}

/** The top-level routes beside the buckets, located by the path `bucket` recorded. */
async function topLevelBeside(
	this: IExecuteFunctions,
	server: string,
	bucket: BucketSnapshot,
	location: Location,
	hosts: string[],
): Promise<CaddyRoute[] | undefined> {
	const from = bucket.path ? firstBucketIndex(bucket.path, location) : undefined;
	return from === undefined ? undefined : await topLevelFor.call(this, server, from, hosts);
}

async function retryPause(attempt: number): Promise<void> {
	await sleep(backoffDelay(attempt, 20, 1000));
}

/** Creates, updates or keeps one managed route. */
export async function upsertInBucket(
	this: IExecuteFunctions,
	server: string,
	route: CaddyRoute,
	adopt: boolean,
): Promise<IDataObject | undefined> {
	const routeId = route['@id'] as string;
	const location = locationOf(route);
	let lastEtag: string | undefined;
	for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		const bucket = await readBucket.call(this, server, location);
		if (!bucket?.etag) return undefined;
		const index = bucket.routes.findIndex((r) => r['@id'] === routeId);
		const current = index >= 0 ? bucket.routes[index] : undefined;
		if (current && canonicalJson(current) === canonicalJson(route)) {
			return { action: 'unchanged', changed: false };
		}
		// An update keeps its hosts' ownership; a route new to its bucket must not sit elsewhere
		// (another bucket, an earlier layout) and must not take a host a hand-made route serves.
		const known = new Set(current ? hostsOf(current).map((h) => h.toLowerCase()) : []);
		const newHosts = hostsOf(route).filter((h) => !known.has(h.toLowerCase()));
		if (newHosts.length) {
			const [elsewhere, routes] = await Promise.all([
				current ? undefined : (readById.call(this, routeId) as Promise<CaddyRoute | undefined>),
				topLevelBeside.call(this, server, bucket, location, newHosts),
			]);
			if (elsewhere && canonicalJson(elsewhere) === canonicalJson(route)) {
				return { action: 'unchanged', changed: false };
			}
			if (elsewhere || !routes || claimHosts(routes, newHosts, adopt).length) return undefined;
		}

		const others = bucket.routes.filter((r) => r['@id'] !== routeId);
		const write = await writeBucket.call(
			this,
			bucket,
			buildBucket(server, location, [...others, route], bucket.path as string),
		);
		if (write === 'done') return { action: index >= 0 ? 'updated' : 'created', changed: true };
		// The same ETag refused twice: the bucket's recorded path no longer leads to it.
		if (write === 'stale' || bucket.etag === lastEtag) return undefined;
		lastEtag = bucket.etag;
		await retryPause(attempt);
	}
	return undefined;
}

/**
 * The buckets that can hold a route serving `host`: its own in the path and whole-host tiers, the
 * wildcard one level up, and the buckets of routes with several hosts in every tier.
 */
function bucketsServing(host: string): Location[] {
	const wildcard = host.startsWith('*.');
	const own = hostBucket(host);
	const locations: Location[] = [
		{ tier: tierOf(wildcard, true), bucket: own },
		{ tier: tierOf(wildcard, false), bucket: own },
	];
	const parent = host.split('.').slice(1).join('.');
	if (!wildcard && parent.includes('.')) {
		const up = hostBucket(`*.${parent}`);
		locations.push(
			{ tier: tierOf(true, true), bucket: up },
			{ tier: tierOf(true, false), bucket: up },
		);
	}
	for (let tier = 0; tier < TIER_COUNT; tier++) locations.push({ tier, bucket: SHARED_BUCKET });
	return locations;
}

export interface DeleteOutcome {
	removed: boolean;
	/** Which route still serves the host afterwards: a managed route's id, or "unmanaged". */
	servedBy?: string;
}

/** Which route serves `host` in a server's routes (the deleted one already left out). */
export function servedByIn(routes: CaddyRoute[], host: string): string | undefined {
	const managed = managedRoutesOf(routes).find((r) =>
		hostsOf(r).some((pattern) => hostServes(pattern, host)),
	);
	if (managed) return managed['@id'] as string;
	return unmanagedConflicts(routes, [host]).length ? 'unmanaged' : undefined;
}

/**
 * The buckets a route keyed by `host` (and a path or not) can sit in: the host's own, or the bucket of
 * routes with several hosts in the exact and the wildcard tier (another of its hosts may be a wildcard).
 */
function holdersOf(host: string, hasPath: boolean): Location[] {
	const wildcard = host.startsWith('*.');
	const tiers = wildcard
		? [tierOf(true, hasPath)]
		: [tierOf(false, hasPath), tierOf(true, hasPath)];
	return [
		{ tier: tierOf(wildcard, hasPath), bucket: hostBucket(host) },
		...tiers.map((tier) => ({ tier, bucket: SHARED_BUCKET })),
	];
}

const sameLocation = (a: Location, b: Location) => a.tier === b.tier && a.bucket === b.bucket;

/**
 * What serves `host` besides the route `routeId`: a managed route in the buckets already `read`, else
 * in the other buckets that match the name (their host lists first, then the routes of those that do),
 * else an unmanaged top-level route. Undefined when the top-level routes are too many to read one by one.
 */
async function servedByOthers(
	this: IExecuteFunctions,
	server: string,
	host: string,
	routeId: string,
	read: Array<{ location: Location; bucket: BucketSnapshot }>,
): Promise<{ servedBy?: string } | undefined> {
	const serves = (route: CaddyRoute) =>
		route['@id'] !== routeId && hostsOf(route).some((pattern) => hostServes(pattern, host));
	const inRead = read.flatMap(({ bucket }) => bucket.routes).find(serves);
	if (inRead) return { servedBy: inRead['@id'] as string };

	const rest = bucketsServing(host).filter((c) => !read.some((r) => sameLocation(r.location, c)));
	const [first] = read;
	const from = first.bucket.path ? firstBucketIndex(first.bucket.path, first.location) : undefined;
	if (from === undefined) return undefined;
	const [hostLists, topLevel] = await Promise.all([
		Promise.all(rest.map((location) => readBucketHosts.call(this, server, location))),
		topLevelFor.call(this, server, from, [host]),
	]);
	const serving = rest.filter((_, k) => hostLists[k]?.some((pattern) => hostServes(pattern, host)));
	const buckets = await Promise.all(
		serving.map((location) => readBucket.call(this, server, location)),
	);
	const managed = buckets.flatMap((bucket) => bucket?.routes ?? []).find(serves);
	if (managed) return { servedBy: managed['@id'] as string };
	if (!topLevel) return undefined;
	return { servedBy: unmanagedConflicts(topLevel, [host]).length ? 'unmanaged' : undefined };
}

/**
 * Removes one managed route and says what still serves its host: the route's possible buckets are
 * read, then its bucket is written while the rest of the answer (what else serves the name) is read.
 */
export async function deleteInBucket(
	this: IExecuteFunctions,
	server: string,
	host: string,
	routeId: string,
	hasPath: boolean,
): Promise<DeleteOutcome | undefined> {
	const [own, ...shared] = holdersOf(host, hasPath);
	const readAll = async (locations: Location[]) => {
		const buckets = await Promise.all(
			locations.map((location) => readBucket.call(this, server, location)),
		);
		return buckets.every((bucket) => bucket?.etag)
			? locations.map((location, k) => ({ location, bucket: buckets[k] as BucketSnapshot }))
			: undefined;
	};
	const holds = ({ bucket }: { bucket: BucketSnapshot }) =>
		bucket.routes.some((r) => r['@id'] === routeId);
	let lastEtags = '';
	for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		// The host's own bucket first: the shared ones only hold routes with several hosts.
		const read = await readAll([own]);
		if (!read) return undefined;
		if (!read.some(holds)) {
			const more = await readAll(shared);
			if (!more) return undefined;
			read.push(...more);
		}
		const holder = read.find(holds);
		if (!holder) {
			const answer = await servedByOthers.call(this, server, host, routeId, read);
			return answer && { removed: false, servedBy: answer.servedBy };
		}

		const remaining = holder.bucket.routes.filter((r) => r['@id'] !== routeId);
		const writing = writeBucket.call(
			this,
			holder.bucket,
			buildBucket(server, holder.location, remaining, holder.bucket.path as string),
		);
		// What else serves the name is read while Caddy applies the change.
		const [write, answer] = await Promise.all([
			writing,
			servedByOthers.call(this, server, host, routeId, read),
		]);
		if (write === 'done') {
			// Too many top-level routes to read one by one: the removal stands, and the server is read once.
			const servedBy = answer
				? answer.servedBy
				: servedByIn(await readServerRoutes.call(this, server), host);
			return { removed: true, servedBy };
		}
		const etags = read.map(({ bucket }) => bucket.etag).join();
		if (write === 'stale' || etags === lastEtags) return undefined;
		lastEtags = etags;
		await retryPause(attempt);
	}
	return undefined;
}
