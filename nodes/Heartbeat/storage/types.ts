import type { IDataObject } from 'n8n-workflow';

/** What the monitor last concluded about a source: `unknown` until it has been checked once. */
export type LivenessState = 'unknown' | 'online' | 'offline';

export interface SourceRecord {
	source: string;
	/** Milliseconds since the epoch of the latest beat, null when the source only has queued requests. */
	lastSeen: number | null;
	lastStatus: string | null;
	metadata: IDataObject | null;
	baseUrl: string | null;
	state: LivenessState;
	stateSince: number | null;
	/** First online beat after the source went offline; cleared when Check reports it back online. */
	recoveredAt: number | null;
	lastReminderAt: number | null;
}

export interface Beat {
	source: string;
	status: string;
	metadata: IDataObject | null;
	baseUrl: string | null;
	at: number;
}

/** The stored liveness fields Check moves from one state to the next. */
export interface LivenessFields {
	state: LivenessState;
	stateSince: number | null;
	recoveredAt: number | null;
	lastReminderAt: number | null;
}

export interface RelayRequest {
	source: string;
	method: string;
	path: string;
	headers: Record<string, string>;
	body: Buffer | null;
	idempotencyKey: string;
}

export interface QueuedItem extends RelayRequest {
	id: number;
	attempts: number;
	createdAt: number;
	nextAttemptAt: number;
}

export interface EnqueueResult {
	id: number;
	/** True when a request with the same source and idempotency key was already stored. */
	duplicate: boolean;
	status: string;
}

export interface Failure {
	id: number;
	at: number;
	error: string;
	httpStatus: number | null;
	/** When to try again; null moves the item to the dead letters. */
	nextAttemptAt: number | null;
}

export interface QueueStats {
	source: string;
	pending: number;
	dead: number;
	delivered: number;
	oldestPendingAt: number | null;
	nextAttemptAt: number | null;
	pendingBytes: number;
}

export interface DeadLetter {
	id: number;
	source: string;
	method: string;
	path: string;
	idempotencyKey: string;
	attempts: number;
	createdAt: number;
	failedAt: number | null;
	lastError: string | null;
	lastStatus: number | null;
	bodyBytes: number;
}

export interface DeadLetterFilter {
	source?: string;
	ids?: number[];
}

export interface SourceClaim {
	owner: string;
	now: number;
	leaseMs: number;
	/** Only these sources (all when absent). */
	sources?: string[];
	/** Sources this drain already handled or gave up on. */
	exclude: string[];
}

export interface BatchClaim {
	source: string;
	owner: string;
	now: number;
	leaseMs: number;
	afterId: number;
	limit: number;
	/** Stop adding requests once their bodies reach this many bytes (the first one always comes). */
	maxBytes: number;
}

/**
 * The heartbeat and offline-queue storage. Every timestamp is passed in by the caller (milliseconds
 * since the epoch), so the state machine can be driven by any clock.
 */
export interface HeartbeatStore {
	readonly kind: 'postgres' | 'sqlite';
	recordBeat(beat: Beat): Promise<SourceRecord>;
	getSources(source?: string): Promise<SourceRecord[]>;
	/** Compare-and-set: moves the source only if it is still in `from`, so two Checks report a transition once. */
	updateLiveness(source: string, from: LivenessFields, to: LivenessFields): Promise<boolean>;
	/**
	 * Stores requests in one transaction, in order (all or none). One result per request, in input order;
	 * a request whose source and idempotency key are already stored (or come earlier in `requests`) is
	 * not stored again and reports the stored one.
	 */
	enqueueMany(requests: RelayRequest[], at: number): Promise<EnqueueResult[]>;
	hasPending(source: string): Promise<boolean>;
	/** Leases one source whose oldest pending request is due; undefined when there is none. */
	claimSource(claim: SourceClaim): Promise<string | undefined>;
	/** Renews the lease and returns the next pending requests in order; undefined when the lease was lost. */
	nextBatch(claim: BatchClaim): Promise<QueuedItem[] | undefined>;
	markDelivered(ids: number[], at: number): Promise<void>;
	markFailed(failure: Failure): Promise<void>;
	releaseSource(source: string, owner: string): Promise<void>;
	stats(source?: string): Promise<QueueStats[]>;
	listDead(filter: DeadLetterFilter, limit: number): Promise<DeadLetter[]>;
	replayDead(filter: DeadLetterFilter, at: number): Promise<number>;
	purgeDead(filter: DeadLetterFilter): Promise<number>;
	/** Drops delivered requests (kept until then to refuse duplicates of their idempotency key). */
	purgeDelivered(before: number): Promise<number>;
	close(): Promise<void>;
}
