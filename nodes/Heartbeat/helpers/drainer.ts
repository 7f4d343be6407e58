import { randomUUID } from 'node:crypto';

import { scheduledDelayMs } from '../../../lib/http-retry';
import { RateLimiter } from '../../../lib/rate-limiter';
import type { HeartbeatStore, QueuedItem } from '../storage/types';
import { Semaphore } from './semaphore';

export interface DeliveryResponse {
	status: number;
	headers: Record<string, unknown>;
	/** Home's answer, at most MAX_RESPONSE_BYTES of it. */
	body: Buffer;
}

/** How much of home's answer is kept: the rest is not read, so an endless answer cannot fill memory. */
export const MAX_RESPONSE_BYTES = 1_000_000;

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

/** Bodies one batch reads beyond its first request. */
const BATCH_BYTES = 512 * 1024;

/**
 * Batches reading their bodies at the same time, across all workers: 4 × BATCH_BYTES (2 MB, plus each
 * batch's first request) at most are being read at once, whatever the concurrency. Reading is where a drain makes garbage (on PostgreSQL the
 * driver hands over each slice of a body as a string, and each socket read as a new buffer); the bytes
 * read at once set how much of it is alive at each collection, and so whether V8 grows its heap as the
 * drain goes on. Sending stays concurrent.
 */
const READS_AT_ONCE = 4;

interface Failure {
	error: string;
	httpStatus: number | null;
	/** Home could not be reached at all (as opposed to answering with an error status). */
	connection: boolean;
}

/** Why a source's drain ends here; empty when its due requests have all been sent. */
type SourceEnd = Pick<SourceOutcome, 'stopped' | 'error'>;

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

/**
 * Delivers due queued requests: `concurrency` workers each lease one source at a time and send its
 * requests in id order, in batches. A failure reschedules the request (or dead-letters it after
 * `maxAttempts`) and stops that source, so nothing overtakes it.
 */
export async function drainQueue(
	store: HeartbeatStore,
	deliver: Deliver,
	options: DrainOptions,
): Promise<DrainSummary> {
	const drainer = new Drainer(store, deliver, options);
	const workers = Array.from(
		{ length: Math.max(1, options.concurrency) },
		async () => await drainer.work(),
	);
	await Promise.all(workers);
	return drainer.summary;
}

class Drainer {
	readonly summary: DrainSummary = { delivered: 0, failed: 0, deadLettered: 0, sources: [] };

	private readonly owner = randomUUID();

	private readonly deadline: number;

	/** Sources this run has taken (or given up on): each is drained at most once per run. */
	private readonly handled: string[] = [];

	private readonly reads = new Semaphore(READS_AT_ONCE);

	constructor(
		private readonly store: HeartbeatStore,
		private readonly deliver: Deliver,
		private readonly options: DrainOptions,
	) {
		this.deadline = options.now() + options.maxDurationMs;
	}

	/** One worker: drains one leased source after another until none is due or the run must stop. */
	async work(): Promise<void> {
		while (!this.stopReason()) {
			const source = await this.claimSource();
			if (!source) return;
			try {
				this.summary.sources.push(await this.drainSource(source));
			} finally {
				await this.store.releaseSource(source, this.owner);
			}
		}
	}

	private stopReason(): SourceOutcome['stopped'] {
		if (this.options.signal?.aborted) return 'cancelled';
		return this.options.now() >= this.deadline ? 'timeUp' : undefined;
	}

	private async claimSource(): Promise<string | undefined> {
		const source = await this.store.claimSource({
			owner: this.owner,
			now: this.options.now(),
			leaseMs: this.options.leaseMs,
			sources: this.options.sources,
			exclude: this.handled,
		});
		if (source) this.handled.push(source);
		return source;
	}

	/** Sends a source's due requests in id order, batch by batch, until none is left or one fails. */
	private async drainSource(source: string): Promise<SourceOutcome> {
		const baseUrl = await this.options.baseUrlFor(source);
		if (!baseUrl) return { source, delivered: 0, stopped: 'noBaseUrl' };
		const outcome: SourceOutcome = { source, delivered: 0 };
		const pace = this.pacer();
		for (let afterId = 0; ;) {
			const batch = await this.nextBatch(source, afterId);
			if (!batch) return { ...outcome, stopped: 'leaseLost' };
			if (!batch.length) return outcome;
			const end = await this.deliverBatch(batch, baseUrl, pace, outcome);
			if (end) return { ...outcome, ...end };
			afterId = batch[batch.length - 1].id;
		}
	}

	/** Spaces the deliveries to one source evenly at the rate limit; none without a limit. */
	private pacer(): RateLimiter | undefined {
		const { ratePerSecond } = this.options;
		return ratePerSecond > 0 ? new RateLimiter(1, 1000 / ratePerSecond) : undefined;
	}

	/** Renews the source's lease and reads its next requests, within the run's budget of reads at once. */
	private async nextBatch(source: string, afterId: number): Promise<QueuedItem[] | undefined> {
		return await this.reads.run(
			async () =>
				await this.store.nextBatch({
					source,
					owner: this.owner,
					now: this.options.now(),
					leaseMs: this.options.leaseMs,
					afterId,
					limit: this.options.batchSize,
					maxBytes: BATCH_BYTES,
				}),
		);
	}

	/**
	 * Sends a batch in order. Successes are recorded once per batch: a drainer that dies mid-batch leaves
	 * them pending, and they are sent again after its lease (at least once). Returns why the source's drain
	 * ends here, or undefined to go on with the next batch.
	 */
	private async deliverBatch(
		batch: QueuedItem[],
		baseUrl: string,
		pace: RateLimiter | undefined,
		outcome: SourceOutcome,
	): Promise<SourceEnd | undefined> {
		const delivered: number[] = [];
		try {
			for (const item of batch) {
				const stopped = this.stopReason();
				if (stopped) return { stopped };
				if (item.nextAttemptAt > this.options.now()) return {};
				await pace?.acquire();
				const failure = await this.send(baseUrl, item);
				// The batch stays referenced until it is done: drop each body once it has been sent.
				item.body = null;
				if (failure === 'cancelled') return { stopped: 'cancelled' };
				if (failure) {
					// Earlier successes first, so a crash here never re-sends more than this batch.
					await this.store.markDelivered(delivered.splice(0), this.options.now());
					return await this.recordFailure(item, failure);
				}
				delivered.push(item.id);
				outcome.delivered++;
				this.summary.delivered++;
			}
			return undefined;
		} finally {
			await this.store.markDelivered(delivered, this.options.now());
		}
	}

	/** One delivery: undefined when home answered 2xx, else what failed; 'cancelled' when the execution was. */
	private async send(
		baseUrl: string,
		item: QueuedItem,
	): Promise<Failure | 'cancelled' | undefined> {
		const response = await this.deliver(baseUrl, item).catch((error: unknown) => {
			if (error instanceof ConnectionFailure) return error;
			throw error;
		});
		// A cancelled execution aborts its request: that is not home failing, so no attempt is used up.
		if (this.options.signal?.aborted) return 'cancelled';
		if (response instanceof ConnectionFailure)
			return { error: response.message, httpStatus: null, connection: true };
		releaseBody(item.body);
		if (isSuccess(response.status)) return undefined;
		return {
			error: `home answered HTTP ${response.status}`,
			httpStatus: response.status,
			connection: false,
		};
	}

	/** Reschedules the request on the retry schedule, or dead-letters it after its last attempt. */
	private async recordFailure(item: QueuedItem, failure: Failure): Promise<SourceEnd> {
		const at = this.options.now();
		const attempts = item.attempts + 1;
		const dead = attempts >= this.options.maxAttempts;
		await this.store.markFailed({
			id: item.id,
			at,
			error: failure.error,
			httpStatus: failure.httpStatus,
			nextAttemptAt: dead ? null : at + scheduledDelayMs(attempts, this.options.scheduleSeconds),
		});
		this.summary.failed++;
		if (dead) this.summary.deadLettered++;
		const stopped = dead ? 'deadLettered' : failure.connection ? 'connectionFailure' : 'httpError';
		return { stopped, error: failure.error };
	}
}
