import type { IDataObject } from 'n8n-workflow';

import type {
	BatchClaim,
	Beat,
	DeadLetter,
	DeadLetterFilter,
	EnqueueResult,
	Failure,
	ForwardSettlement,
	HeartbeatStore,
	KeyRecord,
	LivenessFields,
	LivenessState,
	QueuedItem,
	QueueStats,
	RelayRequest,
	RequestStatus,
	SourceClaim,
	SourceRecord,
} from './types';

export type Row = Record<string, unknown>;

export interface RunResult {
	rows: Row[];
	count: number;
}

const num = (value: unknown): number | null =>
	value === null || value === undefined ? null : Number(value);
const json = (value: unknown): IDataObject | null =>
	value === null || value === undefined
		? null
		: typeof value === 'string'
			? JSON.parse(value)
			: (value as IDataObject);
// node:sqlite returns a Uint8Array: wrap its memory instead of copying a body that may be large.
const bytes = (value: unknown): Buffer | null => {
	if (value === null || value === undefined || Buffer.isBuffer(value))
		return (value as Buffer | null) ?? null;
	const array = value as Uint8Array;
	return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
};

function toSource(row: Row): SourceRecord {
	return {
		source: String(row.source),
		lastSeen: num(row.last_seen),
		lastStatus: (row.last_status as string | null) ?? null,
		metadata: json(row.metadata),
		baseUrl: (row.base_url as string | null) ?? null,
		state: (row.state as LivenessState) ?? 'unknown',
		stateSince: num(row.state_since),
		recoveredAt: num(row.recovered_at),
		lastReminderAt: num(row.last_reminder_at),
	};
}

export function toItem(row: Row): QueuedItem {
	return {
		id: Number(row.id),
		source: String(row.source),
		method: String(row.method),
		path: String(row.path),
		headers: json(row.headers) as Record<string, string>,
		body: bytes(row.body),
		idempotencyKey: String(row.idempotency_key),
		attempts: Number(row.attempts),
		createdAt: Number(row.created_at),
		nextAttemptAt: Number(row.next_attempt_at),
	};
}

/** A request's identity in the queue: its source plus its idempotency key. */
/** The first six columns of a queue row, in insert order: source … idempotency_key. */
export function requestValues(request: RelayRequest): unknown[] {
	return [
		request.source,
		request.method,
		request.path,
		JSON.stringify(request.headers),
		request.body,
		request.idempotencyKey,
	];
}

export const requestIdentity = (source: string, idempotencyKey: string) =>
	`${source}\n${idempotencyKey}`;

export type StoredRequest = Pick<EnqueueResult, 'id' | 'status'>;

/**
 * One result per request, in input order: the first request of an identity this enqueue inserted is new,
 * every other one (repeated in the batch, or stored before) is a duplicate of the stored request.
 */
export function enqueueResults(
	requests: RelayRequest[],
	inserted: Map<string, StoredRequest>,
	existing: Map<string, StoredRequest>,
): EnqueueResult[] {
	const reported = new Set<string>();
	return requests.map((request) => {
		const identity = requestIdentity(request.source, request.idempotencyKey);
		const fresh = inserted.get(identity);
		if (fresh && !reported.has(identity)) {
			reported.add(identity);
			return { ...fresh, duplicate: false };
		}
		const stored = fresh ?? existing.get(identity);
		// Only possible if the stored duplicate was purged between the insert and the look-up.
		if (!stored)
			throw new Error(
				`The stored request with idempotency key "${request.idempotencyKey}" disappeared`,
			);
		return { ...stored, duplicate: true };
	});
}

const ITEM_COLUMNS =
	'id, source, method, path, headers, body, idempotency_key, attempts, created_at, next_attempt_at';

/**
 * The statements both stores share. SQL is written once with `$n` parameters and `{table}` names;
 * each dialect maps them (and supplies the few statements that differ: enqueue, claim, migrations).
 */
export abstract class SqlStore implements HeartbeatStore {
	abstract readonly kind: 'postgres' | 'sqlite';

	/** One statement; `sql` uses `$n` parameters and `{sources}`/`{queue}` table names. */
	protected abstract run(sql: string, params?: unknown[]): Promise<RunResult>;

	/** `column IN list-parameter` for an array parameter. */
	protected abstract inList(column: string, param: number): string;

	protected abstract listValue(values: Array<string | number>): unknown;

	/** Runs the claim statement; SQLite takes its write lock first (BEGIN IMMEDIATE). */
	protected abstract runClaim(sql: string, params: unknown[]): Promise<RunResult>;

	/** The queue columns nextBatch reads; PostgreSQL reads bodies separately (see `toItems`). */
	protected readonly itemColumns: string = ITEM_COLUMNS;

	/** Turns nextBatch's rows into items, in order; a dialect may stop early (and return fewer). */
	protected async toItems(rows: Row[]): Promise<QueuedItem[]> {
		return rows.map(toItem);
	}

	/** Appended to the claim's source selection: PostgreSQL skips sources another drainer is claiming. */
	protected abstract readonly skipLocked: string;

	abstract enqueueMany(requests: RelayRequest[], at: number): Promise<EnqueueResult[]>;

	abstract close(): Promise<void>;

	async recordBeat(beat: Beat): Promise<SourceRecord> {
		const { rows } = await this.run(
			`INSERT INTO {sources} (source, last_seen, last_status, metadata, base_url)
			 VALUES ($1, $2, $3, $4, $5)
			 ON CONFLICT (source) DO UPDATE SET
				last_seen = excluded.last_seen,
				last_status = excluded.last_status,
				metadata = COALESCE(excluded.metadata, heartbeat_sources.metadata),
				base_url = COALESCE(excluded.base_url, heartbeat_sources.base_url),
				recovered_at = CASE
					WHEN heartbeat_sources.state = 'offline' AND excluded.last_status = 'online'
					THEN COALESCE(heartbeat_sources.recovered_at, excluded.last_seen)
					ELSE heartbeat_sources.recovered_at END
			 RETURNING *`,
			[
				beat.source,
				beat.at,
				beat.status,
				beat.metadata ? JSON.stringify(beat.metadata) : null,
				beat.baseUrl,
			],
		);
		return toSource(rows[0]);
	}

	async getSources(source?: string): Promise<SourceRecord[]> {
		const { rows } = source
			? await this.run('SELECT * FROM {sources} WHERE source = $1', [source])
			: await this.run('SELECT * FROM {sources} ORDER BY source');
		return rows.map(toSource);
	}

	async updateLiveness(source: string, from: LivenessFields, to: LivenessFields): Promise<boolean> {
		const { count } = await this.run(
			`UPDATE {sources} SET state = $2, state_since = $3, recovered_at = $4, last_reminder_at = $5
			 WHERE source = $1 AND state = $6 AND state_since IS NOT DISTINCT FROM $7
				AND last_reminder_at IS NOT DISTINCT FROM $8`,
			[
				source,
				to.state,
				to.stateSince,
				to.recoveredAt,
				to.lastReminderAt,
				from.state,
				from.stateSince,
				from.lastReminderAt,
			],
		);
		return count === 1;
	}

	async claimForward(
		request: RelayRequest,
		at: number,
		claimUntil: number,
	): Promise<number | undefined> {
		// While forwarding, next_attempt_at holds the end of the claim: when the request may be tried again.
		const { rows } = await this.run(
			`INSERT INTO {queue} (source, method, path, headers, body, idempotency_key, status, created_at, next_attempt_at)
			 VALUES ($1, $2, $3, $4, $5, $6, 'forwarding', $7, $8)
			 ON CONFLICT (source, idempotency_key) DO NOTHING RETURNING id`,
			[...requestValues(request), at, claimUntil],
		);
		return rows.length ? Number(rows[0].id) : undefined;
	}

	async settleForward(id: number, settlement: ForwardSettlement): Promise<void> {
		const pending = settlement.status === 'pending';
		// attempts counts failed deliveries, as Drain does; a pending one carries its own count.
		const attempts = pending ? settlement.attempts : settlement.status === 'rejected' ? 1 : 0;
		await this.run(
			`UPDATE {queue} SET status = $2, forwarded_status = $3, last_status = $3, last_error = $4,
				attempts = $5, next_attempt_at = coalesce($6, next_attempt_at), delivered_at = $7, failed_at = $8,
				body = CASE WHEN $9 = 1 THEN body END
			 WHERE id = $1 AND status = 'forwarding'`,
			[
				id,
				settlement.status,
				settlement.httpStatus,
				settlement.status === 'delivered' ? null : settlement.error.slice(0, 1000),
				attempts,
				pending ? settlement.nextAttemptAt : null,
				settlement.status === 'delivered' ? settlement.at : null,
				settlement.status === 'rejected' ? settlement.at : null,
				pending ? 1 : 0,
			],
		);
	}

	async releaseForward(id: number): Promise<void> {
		await this.run("DELETE FROM {queue} WHERE id = $1 AND status = 'forwarding'", [id]);
	}

	async requeueLapsedForward(id: number, at: number): Promise<boolean> {
		const { count } = await this.run(
			`UPDATE {queue} SET status = 'pending', next_attempt_at = $2
			 WHERE id = $1 AND status = 'forwarding' AND next_attempt_at <= $2`,
			[id, at],
		);
		return count === 1;
	}

	async findKey(source: string, idempotencyKey: string): Promise<KeyRecord | undefined> {
		const { rows } = await this.run(
			`SELECT id, status, forwarded_status, next_attempt_at,
				CASE status WHEN 'delivered' THEN delivered_at WHEN 'rejected' THEN failed_at END AS finished_at
			 FROM {queue} WHERE source = $1 AND idempotency_key = $2`,
			[source, idempotencyKey],
		);
		if (!rows.length) return undefined;
		const [row] = rows;
		return {
			id: Number(row.id),
			status: row.status as RequestStatus,
			forwardedStatus: num(row.forwarded_status),
			finishedAt: num(row.finished_at),
			claimUntil: Number(row.next_attempt_at),
		};
	}

	async forgetFinished(id: number, before: number): Promise<boolean> {
		const { count } = await this.run(
			`DELETE FROM {queue} WHERE id = $1
				AND ((status = 'delivered' AND delivered_at < $2) OR (status = 'rejected' AND failed_at < $2))`,
			[id, before],
		);
		return count === 1;
	}

	async hasPending(source: string): Promise<boolean> {
		const { rows } = await this.run(
			"SELECT 1 AS pending FROM {queue} WHERE source = $1 AND status = 'pending' LIMIT 1",
			[source],
		);
		return rows.length > 0;
	}

	async claimSource(claim: SourceClaim): Promise<string | undefined> {
		const params: unknown[] = [
			claim.owner,
			claim.now + claim.leaseMs,
			claim.now,
			this.listValue(claim.exclude),
		];
		let only = '';
		if (claim.sources) {
			params.push(this.listValue(claim.sources));
			only = `AND ${this.inList('h.source', 5)}`;
		}
		// A source is due when its oldest pending request is due: later ones wait behind it (FIFO per source).
		const { rows } = await this.runClaim(
			`UPDATE {sources} SET lease_owner = $1, lease_until = $2
			 WHERE source = (
				SELECT h.source FROM {sources} h
				WHERE (h.lease_until IS NULL OR h.lease_until < $3)
					AND NOT ${this.inList('h.source', 4)} ${only}
					AND (SELECT q.next_attempt_at FROM {queue} q
						WHERE q.source = h.source AND q.status = 'pending' ORDER BY q.id LIMIT 1) <= $3
				ORDER BY h.source LIMIT 1${this.skipLocked})
			 RETURNING source`,
			params,
		);
		return rows.length ? String(rows[0].source) : undefined;
	}

	async nextBatch(claim: BatchClaim): Promise<QueuedItem[] | undefined> {
		const renewed = await this.run(
			'UPDATE {sources} SET lease_until = $1 WHERE source = $2 AND lease_owner = $3',
			[claim.now + claim.leaseMs, claim.source, claim.owner],
		);
		if (renewed.count !== 1) return undefined;
		// Bodies before each row are summed first, so a batch of large bodies is cut short without reading them.
		const { rows } = await this.run(
			`SELECT ${this.itemColumns} FROM {queue} WHERE id IN (
				SELECT id FROM (
					SELECT id, sum(coalesce(length(body), 0)) OVER (ORDER BY id) - coalesce(length(body), 0) AS bytes_before
					FROM (SELECT id, body FROM {queue}
						WHERE source = $1 AND status = 'pending' AND id > $2 ORDER BY id LIMIT $3) AS next
				) AS sized WHERE bytes_before < $4)
			 ORDER BY id`,
			[claim.source, claim.afterId, claim.limit, claim.maxBytes],
		);
		return await this.toItems(rows);
	}

	async markDelivered(ids: number[], at: number): Promise<void> {
		if (!ids.length) return;
		await this.run(
			`UPDATE {queue} SET status = 'delivered', delivered_at = $1, body = NULL
			 WHERE status = 'pending' AND ${this.inList('id', 2)}`,
			[at, this.listValue(ids)],
		);
	}

	async markFailed(failure: Failure): Promise<void> {
		const dead = failure.nextAttemptAt === null;
		await this.run(
			`UPDATE {queue} SET attempts = attempts + 1, last_error = $2, last_status = $3,
				next_attempt_at = $4, status = $5, failed_at = $6
			 WHERE id = $1 AND status = 'pending'`,
			[
				failure.id,
				failure.error.slice(0, 1000),
				failure.httpStatus,
				failure.nextAttemptAt ?? failure.at,
				dead ? 'dead' : 'pending',
				dead ? failure.at : null,
			],
		);
	}

	async releaseSource(source: string, owner: string): Promise<void> {
		await this.run(
			'UPDATE {sources} SET lease_owner = NULL, lease_until = NULL WHERE source = $1 AND lease_owner = $2',
			[source, owner],
		);
	}

	async stats(source?: string): Promise<QueueStats[]> {
		const { rows } = await this.run(
			`SELECT source,
				count(*) FILTER (WHERE status = 'pending') AS pending,
				count(*) FILTER (WHERE status = 'dead') AS dead,
				count(*) FILTER (WHERE status = 'delivered') AS delivered,
				min(created_at) FILTER (WHERE status = 'pending') AS oldest,
				min(next_attempt_at) FILTER (WHERE status = 'pending') AS next_attempt,
				coalesce(sum(length(body)) FILTER (WHERE status = 'pending'), 0) AS pending_bytes
			 FROM {queue} ${source ? 'WHERE source = $1' : ''} GROUP BY source ORDER BY source`,
			source ? [source] : [],
		);
		return rows.map((row) => ({
			source: String(row.source),
			pending: Number(row.pending),
			dead: Number(row.dead),
			delivered: Number(row.delivered),
			oldestPendingAt: num(row.oldest),
			nextAttemptAt: num(row.next_attempt),
			pendingBytes: Number(row.pending_bytes),
		}));
	}

	/** `status = 'dead'` plus the optional source and id filters, with their parameters after `offset`. */
	private deadWhere(
		filter: DeadLetterFilter,
		offset: number,
	): { where: string; params: unknown[] } {
		const conditions = ["status = 'dead'"];
		const params: unknown[] = [];
		if (filter.source) {
			params.push(filter.source);
			conditions.push(`source = $${offset + params.length}`);
		}
		if (filter.ids) {
			params.push(this.listValue(filter.ids));
			conditions.push(this.inList('id', offset + params.length));
		}
		return { where: conditions.join(' AND '), params };
	}

	async listDead(filter: DeadLetterFilter, limit: number): Promise<DeadLetter[]> {
		const { where, params } = this.deadWhere(filter, 1);
		const { rows } = await this.run(
			`SELECT id, source, method, path, idempotency_key, attempts, created_at, failed_at, last_error, last_status,
				coalesce(length(body), 0) AS body_bytes
			 FROM {queue} WHERE ${where} ORDER BY id LIMIT $1`,
			[limit, ...params],
		);
		return rows.map((row) => ({
			id: Number(row.id),
			source: String(row.source),
			method: String(row.method),
			path: String(row.path),
			idempotencyKey: String(row.idempotency_key),
			attempts: Number(row.attempts),
			createdAt: Number(row.created_at),
			failedAt: num(row.failed_at),
			lastError: (row.last_error as string | null) ?? null,
			lastStatus: num(row.last_status),
			bodyBytes: Number(row.body_bytes),
		}));
	}

	async replayDead(filter: DeadLetterFilter, at: number): Promise<number> {
		const { where, params } = this.deadWhere(filter, 1);
		const { count } = await this.run(
			`UPDATE {queue} SET status = 'pending', attempts = 0, next_attempt_at = $1, failed_at = NULL WHERE ${where}`,
			[at, ...params],
		);
		return count;
	}

	async purgeDead(filter: DeadLetterFilter): Promise<number> {
		const { where, params } = this.deadWhere(filter, 0);
		const { count } = await this.run(`DELETE FROM {queue} WHERE ${where}`, params);
		return count;
	}

	async purgeDelivered(before: number): Promise<number> {
		const { count } = await this.run(
			`DELETE FROM {queue}
			 WHERE (status = 'delivered' AND delivered_at < $1) OR (status = 'rejected' AND failed_at < $1)`,
			[before],
		);
		return count;
	}
}
