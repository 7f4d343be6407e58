import { randomUUID } from 'node:crypto';

import { scheduledDelayMs } from '../../../lib/http-retry';
import type { HeartbeatStore, QueuedItem } from '../storage/types';

export interface DeliveryResponse {
	status: number;
	headers: Record<string, unknown>;
	body: Buffer;
}

/** Thrown by a deliverer when home could not be reached at all (refused, reset, timed out, DNS). */
export class ConnectionFailure extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ConnectionFailure';
	}
}

/** Resolves only once the request no longer reads `item.body` (written out, or its connection closed). */
export type Deliver = (baseUrl: string, item: QueuedItem) => Promise<DeliveryResponse>;

export interface DrainOptions {
	leaseMs: number;
	batchSize: number;
	concurrency: number;
	maxDurationMs: number;
	/** Deliveries per second per source; 0 for no limit. */
	ratePerSecond: number;
	maxAttempts: number;
	scheduleSeconds: number[];
	sources?: string[];
	baseUrlFor: (source: string) => Promise<string | undefined>;
	now: () => number;
	signal?: AbortSignal;
}

export interface SourceOutcome {
	source: string;
	delivered: number;
	/** Why draining this source stopped before its queue was empty. */
	stopped?:
		| 'connectionFailure'
		| 'httpError'
		| 'deadLettered'
		| 'noBaseUrl'
		| 'leaseLost'
		| 'timeUp'
		| 'cancelled';
	error?: string;
}

export interface DrainSummary {
	delivered: number;
	failed: number;
	deadLettered: number;
	sources: SourceOutcome[];
}

/** Bodies one worker holds at a time (besides batchSize): memory stays bounded whatever the bodies weigh. */
const BATCH_BYTES = 1024 * 1024;

const isSuccess = (status: number) => status >= 200 && status < 300;

/**
 * Frees a sent body's memory now. Left to the GC, bodies that outlive a young-generation collection wait
 * for V8's next full one, which it starts only after ~64 MB of such garbage. Only a Buffer that spans its
 * whole ArrayBuffer (the store allocates one per body) is released, never a slice of a shared pool.
 */
function releaseBody(body: Buffer | null): void {
	const memory = body?.buffer as
		(ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }) | undefined;
	if (!body || !memory?.transfer || body.byteOffset !== 0 || body.byteLength !== memory.byteLength)
		return;
	memory.transfer(0);
}

const pause = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delivers due queued requests: `concurrency` workers each lease one source at a time and send its
 * requests in id order, in batches. A failure reschedules the request (or dead-letters it after
 * `maxAttempts`) and stops that source, so nothing overtakes it. Successes are recorded per batch:
 * a drainer that dies mid-batch leaves them pending and they are sent again after its lease (at least once).
 */
export async function drainQueue(
	store: HeartbeatStore,
	deliver: Deliver,
	options: DrainOptions,
): Promise<DrainSummary> {
	const owner = randomUUID();
	const deadline = options.now() + options.maxDurationMs;
	const handled: string[] = [];
	const summary: DrainSummary = { delivered: 0, failed: 0, deadLettered: 0, sources: [] };
	const stopReason = (): SourceOutcome['stopped'] =>
		options.signal?.aborted ? 'cancelled' : options.now() >= deadline ? 'timeUp' : undefined;

	const drainSource = async (source: string): Promise<SourceOutcome> => {
		const outcome: SourceOutcome = { source, delivered: 0 };
		const baseUrl = await options.baseUrlFor(source);
		if (!baseUrl) return { ...outcome, stopped: 'noBaseUrl' };
		const spacingMs = options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0;
		let nextSendAt = 0;
		let afterId = 0;
		for (;;) {
			const batch = await store.nextBatch({
				source,
				owner,
				now: options.now(),
				leaseMs: options.leaseMs,
				afterId,
				limit: options.batchSize,
				maxBytes: BATCH_BYTES,
			});
			if (!batch) return { ...outcome, stopped: 'leaseLost' };
			if (!batch.length) return outcome;
			const delivered: number[] = [];
			try {
				for (const item of batch) {
					const stopped = stopReason();
					if (stopped) return { ...outcome, stopped };
					if (item.nextAttemptAt > options.now()) return outcome;
					if (spacingMs) {
						const wait = nextSendAt - Date.now();
						if (wait > 0) await pause(wait);
						nextSendAt = Math.max(nextSendAt, Date.now()) + spacingMs;
					}
					const failure = await attempt(baseUrl, item);
					// The batch stays referenced until it is done: drop each body once it has been sent.
					item.body = null;
					if (failure === 'cancelled') return { ...outcome, stopped: 'cancelled' };
					if (failure) {
						// Earlier successes first, so a crash here never re-sends more than this batch.
						await store.markDelivered(delivered.splice(0), options.now());
						return { ...outcome, ...(await recordFailure(item, failure)) };
					}
					delivered.push(item.id);
					outcome.delivered++;
					summary.delivered++;
				}
			} finally {
				await store.markDelivered(delivered, options.now());
			}
			afterId = batch[batch.length - 1].id;
		}
	};

	const attempt = async (
		baseUrl: string,
		item: QueuedItem,
	): Promise<
		{ error: string; httpStatus: number | null; connection: boolean } | 'cancelled' | undefined
	> => {
		const response = await deliver(baseUrl, item).catch((error: unknown) => {
			if (error instanceof ConnectionFailure) return error;
			throw error;
		});
		// A cancelled execution aborts its request: that is not home failing, so no attempt is used up.
		if (options.signal?.aborted) return 'cancelled';
		if (response instanceof ConnectionFailure)
			return { error: response.message, httpStatus: null, connection: true };
		releaseBody(item.body);
		if (isSuccess(response.status)) return undefined;
		return {
			error: `home answered HTTP ${response.status}`,
			httpStatus: response.status,
			connection: false,
		};
	};

	const recordFailure = async (
		item: QueuedItem,
		failure: { error: string; httpStatus: number | null; connection: boolean },
	): Promise<Pick<SourceOutcome, 'stopped' | 'error'>> => {
		const at = options.now();
		const attempts = item.attempts + 1;
		const dead = attempts >= options.maxAttempts;
		await store.markFailed({
			id: item.id,
			at,
			error: failure.error,
			httpStatus: failure.httpStatus,
			nextAttemptAt: dead ? null : at + scheduledDelayMs(attempts, options.scheduleSeconds),
		});
		summary.failed++;
		if (dead) summary.deadLettered++;
		const stopped = dead ? 'deadLettered' : failure.connection ? 'connectionFailure' : 'httpError';
		return { stopped, error: failure.error };
	};

	const worker = async () => {
		while (!stopReason()) {
			const source = await store.claimSource({
				owner,
				now: options.now(),
				leaseMs: options.leaseMs,
				sources: options.sources,
				exclude: handled,
			});
			if (!source) return;
			handled.push(source);
			try {
				summary.sources.push(await drainSource(source));
			} finally {
				await store.releaseSource(source, owner);
			}
		}
	};

	await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
	return summary;
}
