import { Pool, Query, type PoolClient, type PoolConfig } from 'pg';
import { sleep } from 'n8n-workflow';

import { backoffDelay } from '../../../lib/http-retry';
import { migrations, migrationsTable } from './migrations';
import { readBodies } from './postgresBodies';
import {
	enqueueResults,
	requestIdentity,
	SqlStore,
	toItem,
	type Row,
	type RunResult,
	type StoredRequest,
} from './sqlStore';
import type { EnqueueResult, QueuedItem, RelayRequest } from './types';

export interface PostgresOptions {
	pool: PoolConfig;
	schema: string;
	/** How long to keep retrying while the server is unreachable or restarting. */
	reconnectForMs?: number;
}

// Connection-level failures: the statement may be retried on a new connection.
const RECONNECT_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'57P01',
	'57P02',
	'57P03',
	'08006',
	'08001',
]);

function isConnectionError(error: unknown): boolean {
	const { code, message } = (error ?? {}) as { code?: string; message?: string };
	return (
		(code !== undefined && RECONNECT_CODES.has(code)) ||
		/Connection terminated|connection.*closed/i.test(message ?? '')
	);
}

export function quoteIdentifier(name: string): string {
	return `"${name.replace(/"/g, '""')}"`;
}

const CHUNK_ROWS = 1000;
const CHUNK_BYTES = 4 * 1024 * 1024;

/** Consecutive slices of at most CHUNK_ROWS requests and (beyond one request) CHUNK_BYTES of bodies. */
function* chunks(requests: RelayRequest[]): Generator<RelayRequest[]> {
	let chunk: RelayRequest[] = [];
	let bytes = 0;
	for (const request of requests) {
		const size = request.body?.length ?? 0;
		if (chunk.length && (chunk.length >= CHUNK_ROWS || bytes + size > CHUNK_BYTES)) {
			yield chunk;
			chunk = [];
			bytes = 0;
		}
		chunk.push(request);
		bytes += size;
	}
	if (chunk.length) yield chunk;
}

/** Migration check results per server+schema, so each execution does not repeat it. */
const migrated = new Map<string, Promise<void>>();

export class PostgresStore extends SqlStore {
	readonly kind = 'postgres' as const;

	protected readonly skipLocked = ' FOR UPDATE OF h SKIP LOCKED';

	// Bodies are read afterwards, in slices (see readBodies): only their lengths come with the batch.
	protected readonly itemColumns =
		'id, source, method, path, headers, length(body) AS body_length, idempotency_key, attempts, created_at, next_attempt_at';

	private readonly pool: Pool;

	private readonly tables: Record<string, string>;

	private readonly reconnectForMs: number;

	constructor(private readonly options: PostgresOptions) {
		super();
		this.pool = new Pool(options.pool);
		// Idle clients die when the server restarts; the next query opens a new connection.
		this.pool.on('error', () => undefined);
		const schema = quoteIdentifier(options.schema);
		this.tables = {
			sources: `${schema}.heartbeat_sources`,
			queue: `${schema}.heartbeat_queue`,
			migrations: `${schema}.heartbeat_migrations`,
		};
		this.reconnectForMs = options.reconnectForMs ?? 30_000;
	}

	private sql(text: string): string {
		return text.replace(/\{(sources|queue|migrations)\}/g, (_, name: string) => this.tables[name]);
	}

	/** Retries connection failures (server restarting) until `reconnectForMs` has passed. */
	private async withReconnect<T>(work: () => Promise<T>): Promise<T> {
		const deadline = Date.now() + this.reconnectForMs;
		for (let attempt = 1; ; attempt++) {
			const outcome = await work().then(
				(value) => ({ value }),
				(error: unknown) => ({ error }),
			);
			if (!('error' in outcome)) return outcome.value;
			if (!isConnectionError(outcome.error) || Date.now() > deadline) throw outcome.error;
			await sleep(backoffDelay(attempt, 100, 1000));
		}
	}

	protected async run(text: string, params: unknown[] = []): Promise<RunResult> {
		return await this.withReconnect(async () => {
			const result = await this.pool.query(this.sql(text), params);
			return { rows: result.rows, count: result.rowCount ?? 0 };
		});
	}

	protected async runClaim(text: string, params: unknown[]): Promise<RunResult> {
		return await this.run(text, params);
	}

	protected async toItems(rows: Row[]): Promise<QueuedItem[]> {
		const lengths = new Map<number, number>();
		for (const row of rows)
			if (row.body_length !== null) lengths.set(Number(row.id), Number(row.body_length));
		return await readBodies(
			async (text, params, onRow) => await this.eachRow(text, params, onRow),
			rows.map(toItem),
			lengths,
		);
	}

	/** Hands each row to `onRow` as it arrives, without collecting them; after a lost connection rows may come twice. */
	private async eachRow(text: string, params: unknown[], onRow: (row: Row) => void): Promise<void> {
		await this.connected(
			async (client) =>
				await new Promise<void>((resolve, reject) => {
					const query = new Query(this.sql(text), params);
					query.on('row', onRow);
					query.on('end', () => resolve());
					query.on('error', reject);
					client.query(query);
				}),
		);
	}

	protected inList(column: string, param: number): string {
		return `(${column} = ANY($${param}))`;
	}

	protected listValue(values: Array<string | number>): unknown {
		return values;
	}

	/**
	 * Multi-row INSERTs (arrays unnested server-side), in chunks that keep each statement small, all in one
	 * transaction; a single chunk is one statement, atomic by itself, so it skips BEGIN and COMMIT (a relay
	 * call stores one request). Retrying after a lost connection is safe: the idempotency keys make a
	 * repeated insert a no-op.
	 */
	async enqueueMany(requests: RelayRequest[], at: number): Promise<EnqueueResult[]> {
		if (!requests.length) return [];
		const statements = [...chunks(requests)];
		const onConnection =
			statements.length > 1 ? this.transaction.bind(this) : this.connected.bind(this);
		return await onConnection(async (client) => {
			const inserted = new Map<string, StoredRequest>();
			for (const chunk of statements) {
				const { rows } = await client.query({
					name: 'homelab-ingress-enqueue',
					text: this.sql(`WITH input AS (
						SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::bytea[], $6::text[])
							WITH ORDINALITY AS t(source, method, path, headers, body, idempotency_key, position)),
					known AS (INSERT INTO {sources} (source) SELECT DISTINCT source FROM input ON CONFLICT (source) DO NOTHING)
					INSERT INTO {queue} (source, method, path, headers, body, idempotency_key, created_at, next_attempt_at)
					SELECT source, method, path, headers, body, idempotency_key, $7, $7 FROM input ORDER BY position
					ON CONFLICT (source, idempotency_key) DO NOTHING RETURNING id, source, idempotency_key, status`),
					values: [
						chunk.map((request) => request.source),
						chunk.map((request) => request.method),
						chunk.map((request) => request.path),
						chunk.map((request) => JSON.stringify(request.headers)),
						chunk.map((request) => request.body),
						chunk.map((request) => request.idempotencyKey),
						at,
					],
				});
				for (const row of rows) {
					inserted.set(requestIdentity(String(row.source), String(row.idempotency_key)), {
						id: Number(row.id),
						status: String(row.status),
					});
				}
			}
			const others = requests.filter(
				(request) => !inserted.has(requestIdentity(request.source, request.idempotencyKey)),
			);
			const existing = new Map<string, StoredRequest>();
			if (others.length) {
				const { rows } = await client.query(
					this.sql(`SELECT id, source, idempotency_key, status FROM {queue}
						WHERE (source, idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`),
					[
						others.map((request) => request.source),
						others.map((request) => request.idempotencyKey),
					],
				);
				for (const row of rows) {
					existing.set(requestIdentity(String(row.source), String(row.idempotency_key)), {
						id: Number(row.id),
						status: String(row.status),
					});
				}
			}
			return enqueueResults(requests, inserted, existing);
		});
	}

	/** Runs `work` on one pooled connection, again from the start after a lost connection (not reused then). */
	private async connected<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
		return await this.withReconnect(async () => {
			const client = await this.pool.connect();
			const outcome = await work(client).then(
				(value) => ({ value }),
				(error: unknown) => ({ error }),
			);
			client.release(
				'error' in outcome && isConnectionError(outcome.error)
					? (outcome.error as Error)
					: undefined,
			);
			if ('error' in outcome) throw outcome.error;
			return outcome.value;
		});
	}

	/** Runs `work` in one transaction on one pooled connection, again from the start after a lost connection. */
	private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
		return await this.withReconnect(async () => {
			const client = await this.pool.connect();
			let committed = false;
			try {
				await client.query('BEGIN');
				const result = await work(client);
				await client.query('COMMIT');
				committed = true;
				return result;
			} finally {
				if (!committed) await client.query('ROLLBACK').catch(() => undefined);
				client.release();
			}
		});
	}

	/** Creates or upgrades the tables; an advisory lock makes concurrent executions take turns. */
	async migrate(): Promise<void> {
		const { host, port, database } = this.options.pool;
		const key = `${host}:${port}/${database}/${this.options.schema}`;
		let done = migrated.get(key);
		if (!done) {
			done = this.migrateNow();
			migrated.set(key, done);
			done.catch(() => migrated.delete(key));
		}
		await done;
	}

	/** The migration itself, without the per-process cache: takes the advisory lock and applies what is missing. */
	async migrateNow(): Promise<void> {
		await this.transaction(async (client) => {
			await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
				`n8n-nodes-homelab-ingress:heartbeat:${this.options.schema}`,
			]);
			const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
				this.options.schema,
			]);
			// Only when missing: CREATE SCHEMA needs a privilege that users of an existing schema may lack.
			if (!schema.rowCount)
				await client.query(`CREATE SCHEMA ${quoteIdentifier(this.options.schema)}`);
			await client.query(this.sql(migrationsTable.postgres));
			const { rows } = await client.query(
				this.sql('SELECT coalesce(max(version), 0) AS version FROM {migrations}'),
			);
			const current = Number(rows[0].version);
			for (const migration of migrations.filter((m) => m.version > current)) {
				for (const statement of migration.postgres) await client.query(this.sql(statement));
				await client.query(
					this.sql('INSERT INTO {migrations} (version, applied_at) VALUES ($1, $2)'),
					[migration.version, Date.now()],
				);
			}
		});
	}

	async close(): Promise<void> {
		await this.pool.end();
	}
}
