import { sleep } from 'n8n-workflow';

import { KindedError, quoted } from '../../../lib/errors';
import type { HeartbeatStore, KeyRecord, RelayRequest } from '../storage/types';
import { clock } from './clock';
import { isDelivered } from './homeAnswer';

/** What the first request with a key came to. */
export interface RelayOutcome {
	id: number;
	/** Home answered 2xx. */
	delivered: boolean;
	/** Stored for Drain to deliver (home was away, or answered with a status worth retrying). */
	queued: boolean;
	/** Home's HTTP status, when it was forwarded and home answered. */
	status: number | null;
}

export function outcomeOf(record: KeyRecord): RelayOutcome {
	const { id, forwardedStatus: status } = record;
	if (status !== null && isDelivered(status)) return { id, delivered: true, queued: false, status };
	return { id, delivered: false, queued: record.status !== 'rejected', status };
}

export interface KeyOptions {
	/** How long the key of a delivered or rejected request is remembered after it finished. */
	windowMs: number;
	/** How long to wait for the first request with the key while it is still being forwarded. */
	waitMs: number;
	signal?: AbortSignal;
}

const POLL_MS = 50;

/**
 * The first request's outcome, once it has one; undefined when the key is free (never stored, or
 * forgotten now because its request finished longer than the window ago).
 */
async function firstOutcome(
	store: HeartbeatStore,
	request: RelayRequest,
	options: KeyOptions,
): Promise<RelayOutcome | undefined> {
	const waitUntil = Date.now() + options.waitMs;
	for (;;) {
		const record = await store.findKey(request.source, request.idempotencyKey);
		if (!record) return undefined;
		const now = clock.now();
		if (record.status !== 'forwarding') {
			if (record.finishedAt === null || record.finishedAt >= now - options.windowMs)
				return outcomeOf(record);
			await store.forgetFinished(record.id, now - options.windowMs);
			return undefined;
		}
		// The execution forwarding it died: queue it, so it is still delivered (at least once).
		if (record.claimUntil <= now) {
			await store.requeueLapsedForward(record.id, now);
			continue;
		}
		if (Date.now() >= waitUntil || options.signal?.aborted) {
			throw new KindedError(
				'conflict',
				`A request with the idempotency key ${quoted(request.idempotencyKey)} is still being forwarded`,
			);
		}
		await sleep(POLL_MS);
	}
}

/**
 * Stores a request once per source and idempotency key. `insert` stores it and returns its id, or
 * undefined when the key is taken; then the first request's outcome is the answer (after waiting while
 * that one is still being forwarded). The insert itself is the claim, so of two executions with the
 * same key, in any worker, exactly one stores and sends the request.
 */
export async function storeOnce(
	store: HeartbeatStore,
	request: RelayRequest,
	insert: () => Promise<number | undefined>,
	options: KeyOptions,
): Promise<{ id: number } | { first: RelayOutcome }> {
	// The key may be freed between a refused insert and the look-up (forgotten, purged): insert again.
	for (let round = 0; round < 3; round++) {
		const id = await insert();
		if (id !== undefined) return { id };
		const first = await firstOutcome(store, request, options);
		if (first) return { first };
	}
	throw new KindedError(
		'conflict',
		`The idempotency key ${quoted(request.idempotencyKey)} changed hands while this request was stored; send it again`,
	);
}
