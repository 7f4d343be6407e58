import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { backoffDelay } from '../../../lib/http-retry';
import { readById } from '../transport';
import {
	readBucket,
	readBucketHosts,
	readBucketPath,
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
 * Undefined when the buckets' position is unknown or there are too many routes to read one by one.
 */
async function topLevelFor(
	this: IExecuteFunctions,
	server: string,
	bucketPath: string | undefined,
	location: Location,
	hosts: string[],
): Promise<CaddyRoute[] | undefined> {
	const from = bucketPath ? firstBucketIndex(bucketPath, location) : undefined;
	if (from === undefined) return undefined;
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
		const [current, bucket] = await Promise.all([
			readById.call(this, routeId) as Promise<CaddyRoute | undefined>,
			readBucket.call(this, server, location),
		]);
		if (current && canonicalJson(current) === canonicalJson(route)) {
			return { action: 'unchanged', changed: false };
		}
		if (!bucket?.etag) return undefined;
		const index = bucket.routes.findIndex((r) => r['@id'] === routeId);
		if (current && index < 0) return undefined;

		const known = new Set(current ? hostsOf(current).map((h) => h.toLowerCase()) : []);
		const newHosts = hostsOf(route).filter((h) => !known.has(h.toLowerCase()));
		if (newHosts.length) {
			const routes = await topLevelFor.call(this, server, bucket.path, location, newHosts);
			if (!routes || claimHosts(routes, newHosts, adopt).length) return undefined;
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

/** Removes one managed route and says what still serves its host. */
export async function deleteInBucket(
	this: IExecuteFunctions,
	server: string,
	host: string,
	routeId: string,
): Promise<DeleteOutcome | undefined> {
	const candidates = bucketsServing(host);
	let lastEtags = '';
	for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		// First only the hosts each bucket matches: the routes are read from the buckets that serve the name.
		const [hostLists, path] = await Promise.all([
			Promise.all(candidates.map((location) => readBucketHosts.call(this, server, location))),
			readBucketPath.call(this, server, candidates[0]),
		]);
		if (!path || hostLists.some((hosts) => hosts === undefined)) return undefined;
		const locations = candidates.filter((_, k) =>
			(hostLists[k] as string[]).some((pattern) => hostServes(pattern, host)),
		);
		const buckets = await Promise.all(
			locations.map((location) => readBucket.call(this, server, location)),
		);
		if (buckets.some((bucket) => !bucket?.etag)) return undefined;
		const read = buckets as BucketSnapshot[];

		const others = read.flatMap((bucket) => bucket.routes).filter((r) => r['@id'] !== routeId);
		const managed = others.find((r) => hostsOf(r).some((pattern) => hostServes(pattern, host)));
		let servedBy = managed?.['@id'];
		if (!servedBy) {
			const routes = await topLevelFor.call(this, server, path, candidates[0], [host]);
			if (!routes) return undefined;
			if (unmanagedConflicts(routes, [host]).length) servedBy = 'unmanaged';
		}

		const holder = read.findIndex((bucket) => bucket.routes.some((r) => r['@id'] === routeId));
		if (holder < 0) return { removed: false, servedBy };
		const remaining = read[holder].routes.filter((r) => r['@id'] !== routeId);
		const write = await writeBucket.call(
			this,
			read[holder],
			buildBucket(server, locations[holder], remaining, read[holder].path as string),
		);
		if (write === 'done') return { removed: true, servedBy };
		const etags = read.map((bucket) => bucket.etag).join();
		if (write === 'stale' || etags === lastEtags) return undefined;
		lastEtags = etags;
		await retryPause(attempt);
	}
	return undefined;
}
