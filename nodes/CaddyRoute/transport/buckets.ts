/**
 * The admin requests of the bucket layout (helpers/routeBuckets.ts): reading one bucket, or only its
 * hosts, replacing it under If-Match, and reading the top-level routes beside the
 * buckets one by one, so a change never reads the whole config.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { CaddyRoute } from '../helpers/caddyJson';
import {
	bucketIdFor,
	hostsOf,
	parseBucket,
	type Bucket,
	type Location,
} from '../helpers/routeBuckets';
import { adminJson, caddyRequest, computeEtag, readByIdRaw, serverPath } from './index';

/** A bucket of managed routes, with the ETag that guards a change to it (none: path not recorded). */
export interface BucketSnapshot extends Bucket {
	etag: string | undefined;
}

/** Reads one bucket of a server's managed routes; undefined when the buckets do not exist yet. */
export async function readBucket(
	this: IExecuteFunctions,
	server: string,
	location: Location,
): Promise<BucketSnapshot | undefined> {
	const id = bucketIdFor(server, location);
	const body = await readByIdRaw.call(this, id);
	if (!body) return undefined;
	const bucket = parseBucket(adminJson.call(this, body, `/id/${id}`));
	return { ...bucket, etag: bucket.path ? computeEtag(bucket.path, body) : undefined };
}

/**
 * The hosts a bucket matches (the hosts of its routes) without its routes: a few bytes, for finding
 * which buckets hold routes serving a name. Undefined when the buckets do not exist yet.
 */
export async function readBucketHosts(
	this: IExecuteFunctions,
	server: string,
	location: Location,
): Promise<string[] | undefined> {
	const id = bucketIdFor(server, location);
	const body = await readByIdRaw.call(this, id, '/match');
	if (!body) return undefined;
	const match = adminJson.call(this, body, `/id/${id}/match`);
	return Array.isArray(match) ? hostsOf({ match }) : [];
}

/**
 * How a guarded bucket change ended: `conflict` — the bucket changed since it was read (412); `stale` —
 * Caddy refused it otherwise (the bucket's recorded path no longer leads to it, or the new config does
 * not load), and the caller takes the read-modify-write of the whole server instead.
 */
export type BucketWrite = 'done' | 'conflict' | 'stale';

/** Replaces one bucket, guarded by If-Match on that bucket alone: one admin request, one reload. */
export async function writeBucket(
	this: IExecuteFunctions,
	read: BucketSnapshot,
	bucket: CaddyRoute,
): Promise<BucketWrite> {
	if (!read.etag) return 'stale';
	const response = await caddyRequest.call(
		this,
		'PATCH',
		`/id/${encodeURIComponent(String(bucket['@id']))}`,
		bucket,
		{ 'If-Match': read.etag },
		[400, 404, 412, 500],
	);
	if (response.status === 412) return 'conflict';
	return response.status < 400 ? 'done' : 'stale';
}

/** Top-level routes read one by one; past this many the whole server is read instead. */
const MAX_TOP_LEVEL_READS = 64;

/**
 * The matchers of a server's top-level routes outside the buckets (where routes this package did not
 * create live), read route by route so the buckets are never transferred. Routes in `skip` (the
 * buckets) come back as empty objects. Reads go out in parallel batches that double from one (most
 * servers hold few routes besides the buckets). Undefined when there are more routes than is worth
 * reading this way.
 */
export async function readTopLevelMatchers(
	this: IExecuteFunctions,
	server: string,
	skip: { from: number; count: number },
): Promise<CaddyRoute[] | undefined> {
	const routes: CaddyRoute[] = [];
	const indexes = function* () {
		for (let index = 0; index < skip.from; index++) yield index;
		for (let index = skip.from + skip.count; ; index++) yield index;
	};
	const next = indexes();
	for (let reads = 0, size = 1; reads < MAX_TOP_LEVEL_READS; reads += size, size *= 2) {
		const batch = Array.from({ length: size }, () => next.next().value as number);
		const matchPath = (index: number) => `/config/${serverPath(server)}/routes/${index}/match`;
		const responses = await Promise.all(
			batch.map((index) => caddyRequest.call(this, 'GET', matchPath(index), undefined, {}, [400])),
		);
		for (const [k, response] of responses.entries()) {
			// 400: past the last route ("array index out of bounds"), or no such server
			if (response.status === 400) return Array.from(routes, (route) => route ?? {});
			const match = adminJson.call(this, response.body, matchPath(batch[k]));
			routes[batch[k]] = Array.isArray(match) ? { match } : {};
		}
	}
	return undefined;
}

/** The `@id` of top-level route number `index`, if it has one. */
export async function readTopLevelId(
	this: IExecuteFunctions,
	server: string,
	index: number,
): Promise<string | undefined> {
	const path = `/config/${serverPath(server)}/routes/${index}/@id`;
	const response = await caddyRequest.call(this, 'GET', path, undefined, {}, [400]);
	if (response.status === 400) return undefined;
	const id = adminJson.call(this, response.body, path);
	return typeof id === 'string' ? id : undefined;
}
