import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

import { migrations, migrationsTable } from './migrations';
import {
	enqueueResults,
	requestIdentity,
	requestValues,
	SqlStore,
	type Row,
	type RunResult,
	type StoredRequest,
} from './sqlStore';
import type { EnqueueResult, RelayRequest } from './types';

type SqliteValue = null | number | bigint | string | Uint8Array;

/**
 * The embedded store: one SQLite file (WAL mode) through Node's built-in `node:sqlite`. Calls are
 * synchronous, and each multi-statement operation runs without yielding between BEGIN and COMMIT,
 * so work from the same process never interleaves inside a transaction; other processes wait on
 * SQLite's lock (busy timeout).
 */
export class SqliteStore extends SqlStore {
	readonly kind = 'sqlite' as const;

	protected readonly skipLocked = '';

	private readonly statements = new Map<string, StatementSync>();

	private constructor(private readonly db: DatabaseSync) {
		super();
	}

	static async open(file: string, busyTimeoutMs = 10_000): Promise<SqliteStore> {
		// Loaded on first use: node:sqlite prints an experimental warning that PostgreSQL users need not see.
		const { DatabaseSync } = await import('node:sqlite');
		mkdirSync(dirname(file), { recursive: true });
		const db = new DatabaseSync(file);
		db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
		db.exec('PRAGMA journal_mode = WAL');
		// WAL + NORMAL: a committed request survives a crash of n8n; only an OS crash can lose the last commits.
		db.exec('PRAGMA synchronous = NORMAL');
		const store = new SqliteStore(db);
		store.migrate();
		return store;
	}

	private statement(text: string): StatementSync {
		let prepared = this.statements.get(text);
		if (!prepared) {
			const sql = text
				.replace(/\{(sources|queue|migrations)\}/g, 'heartbeat_$1')
				.replace(/\$(\d+)/g, '?$1');
			prepared = this.db.prepare(sql);
			this.statements.set(text, prepared);
		}
		return prepared;
	}

	private runSync(text: string, params: unknown[] = []): RunResult {
		const statement = this.statement(text);
		const values = params.map((value) => (value === undefined ? null : value)) as SqliteValue[];
		if (/^\s*(SELECT|WITH)|RETURNING/i.test(text)) {
			const rows = statement.all(...values) as Row[];
			return { rows, count: rows.length };
		}
		const { changes } = statement.run(...values);
		return { rows: [], count: Number(changes) };
	}

	/** BEGIN IMMEDIATE takes the write lock up front, so two processes cannot both read-then-write. */
	private transaction<T>(work: () => T): T {
		this.db.exec('BEGIN IMMEDIATE');
		let committed = false;
		try {
			const result = work();
			this.db.exec('COMMIT');
			committed = true;
			return result;
		} finally {
			if (!committed) this.db.exec('ROLLBACK');
		}
	}

	protected async run(text: string, params: unknown[] = []): Promise<RunResult> {
		return this.runSync(text, params);
	}

	protected async runClaim(text: string, params: unknown[]): Promise<RunResult> {
		return this.transaction(() => this.runSync(text, params));
	}

	protected inList(column: string, param: number): string {
		return `(${column} IN (SELECT value FROM json_each($${param})))`;
	}

	protected listValue(values: Array<string | number>): unknown {
		return JSON.stringify(values);
	}

	/** One transaction, one prepared single-row INSERT per request: in-process, a row costs no round trip. */
	async enqueueMany(requests: RelayRequest[], at: number): Promise<EnqueueResult[]> {
		if (!requests.length) return [];
		return this.transaction(() => {
			for (const source of new Set(requests.map((request) => request.source))) {
				this.runSync('INSERT INTO {sources} (source) VALUES ($1) ON CONFLICT (source) DO NOTHING', [
					source,
				]);
			}
			const inserted = new Map<string, StoredRequest>();
			const existing = new Map<string, StoredRequest>();
			for (const request of requests) {
				const identity = requestIdentity(request.source, request.idempotencyKey);
				const { rows } = this.runSync(
					`INSERT INTO {queue} (source, method, path, headers, body, idempotency_key, created_at, next_attempt_at)
					 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
					 ON CONFLICT (source, idempotency_key) DO NOTHING RETURNING id, status`,
					[...requestValues(request), at],
				);
				if (rows.length) {
					inserted.set(identity, { id: Number(rows[0].id), status: String(rows[0].status) });
				} else if (!inserted.has(identity) && !existing.has(identity)) {
					const stored = this.runSync(
						'SELECT id, status FROM {queue} WHERE source = $1 AND idempotency_key = $2',
						[request.source, request.idempotencyKey],
					).rows[0];
					if (stored)
						existing.set(identity, { id: Number(stored.id), status: String(stored.status) });
				}
			}
			return enqueueResults(requests, inserted, existing);
		});
	}

	private migrate(): void {
		this.transaction(() => {
			this.runSync(migrationsTable.sqlite);
			const current = Number(
				this.runSync('SELECT coalesce(max(version), 0) AS version FROM {migrations}').rows[0]
					.version,
			);
			for (const migration of migrations.filter((m) => m.version > current)) {
				for (const statement of migration.sqlite) {
					this.db.exec(statement.replace(/\{(sources|queue|migrations)\}/g, 'heartbeat_$1'));
				}
				this.runSync('INSERT INTO {migrations} (version, applied_at) VALUES ($1, $2)', [
					migration.version,
					Date.now(),
				]);
			}
		});
	}

	async close(): Promise<void> {
		this.statements.clear();
		this.db.close();
	}
}
