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

/**
 * Where a stored request stands: `forwarding` while Forward or Enqueue sends it (its key claimed),
 * `rejected` when home refused it for good; `pending`, `delivered` and `dead` as in the queue.
 */
export type RequestStatus = 'forwarding' | 'pending' | 'delivered' | 'rejected' | 'dead';

/** A stored request as the idempotency check sees it. */
export interface KeyRecord {
	id: number;
	status: RequestStatus;
	/** Home's HTTP status when Forward or Enqueue forwarded it; null when it was queued without an answer. */
	forwardedStatus: number | null;
	/** When it was delivered or rejected; null while it is in flight, pending or dead. */
	finishedAt: number | null;
	/** While `forwarding`: when the claim lapses and another execution may queue the request. */
	claimUntil: number;
}

/** What became of a forwarded request; every one but `pending` drops the stored body. */
export type ForwardSettlement =
	| { status: 'delivered'; httpStatus: number; at: number }
	| { status: 'rejected'; httpStatus: number; error: string; at: number }
	| {
			status: 'pending';
			httpStatus: number | null;
			error: string;
			attempts: number;
			nextAttemptAt: number;
	  };

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
	/**
	 * Stores a request as `forwarding` under its idempotency key, claimed until `claimUntil`, before it is
	 * sent; undefined when the key is already stored (the insert is the claim, so only one execution wins).
	 */
	claimForward(request: RelayRequest, at: number, claimUntil: number): Promise<number | undefined>;
	/** Records home's answer (or its absence) for a claimed request. */
	settleForward(id: number, settlement: ForwardSettlement): Promise<void>;
	/** Gives up a claim that came to nothing, so the key is free again. */
	releaseForward(id: number): Promise<void>;
	/** Queues a `forwarding` request whose claim lapsed (its execution died); false when it was not. */
	requeueLapsedForward(id: number, at: number): Promise<boolean>;
	/** The stored request with this source and idempotency key, in whatever state; undefined when there is none. */
	findKey(source: string, idempotencyKey: string): Promise<KeyRecord | undefined>;
	/** Deletes a delivered or rejected request that finished before `before`; false when it was not. */
	forgetFinished(id: number, before: number): Promise<boolean>;
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
	/** Drops delivered and rejected requests (kept until then to refuse duplicates of their idempotency key). */
	purgeDelivered(before: number): Promise<number>;
	close(): Promise<void>;
}
