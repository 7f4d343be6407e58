/**
 * Offline queue benchmark, on the embedded SQLite store and on a real PostgreSQL (started here, on
 * loopback, removed afterwards). For each store, in the same run:
 *   - baseline: raw single-row INSERT and single-row DELETE … RETURNING rates on the same database;
 *   - the Heartbeat node in n8n's engine, Enqueue measured three ways a user runs it:
 *       one execution with 10,000 input items, Source and Idempotency Key as per-item expressions;
 *       one execution with 10,000 input items carrying the request fields (Request From: Input Items);
 *       1,000 executions of one item each (the offline-relay workflow: one webhook call each);
 *   - Drain at concurrency 8 to a loopback receiver (8 sources; each source in order, one at a time);
 *   - memory: peak RSS of a drain of 1,000, 10,000 and 40,000 queued 100 KB requests by the node built in
 *     dist/ (`npm run build` first), against its idle RSS (see bench/offline-queue-memory.ts).
 * Run: npx ts-node --transpile-only bench/offline-queue.bench.ts   (BENCH_ONLY=memory: only the memory part)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import type { IDataObject } from 'n8n-workflow';
import { Client, Pool } from 'pg';

import { SqliteStore } from '../nodes/Heartbeat/storage/sqlite';
import { PostgresStore, quoteIdentifier } from '../nodes/Heartbeat/storage/postgres';
import { postgresConfig } from '../nodes/Heartbeat/storage/open';
import { runNode } from '../test/support/engine';
import { startPostgres, type PostgresServer } from '../test/support/postgres';
import { measureDrainMemory, type MemoryTarget } from './offline-queue-memory';

const COUNT = 10_000;
const EXECUTIONS = 1_000;
const SOURCES = 8;
const SMALL_BODY = 'x'.repeat(200);

interface Target {
	name: string;
	parameters: IDataObject;
	credentials?: Record<string, IDataObject>;
	rawInsert(): Promise<void>;
	rawDelete(): Promise<void>;
}

const rate = (count: number, ms: number) => Math.round((count * 1000) / ms);

async function timed(work: () => Promise<unknown>): Promise<number> {
	const start = performance.now();
	await work();
	return performance.now() - start;
}

async function receiver(): Promise<{
	baseUrl: string;
	count: () => number;
	close: () => Promise<void>;
}> {
	let received = 0;
	const server = createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			received++;
			res.end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		count: () => received,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

async function recordBeats(target: Target, baseUrl: string): Promise<void> {
	const input = Array.from({ length: SOURCES }, (_, n) => ({ source: `src${n}` }));
	const result = await runNode(
		'heartbeat',
		{
			...target.parameters,
			resource: 'source',
			operation: 'recordBeat',
			source: '={{ $json.source }}',
			baseUrl,
		},
		{ credentials: target.credentials, input },
	);
	if (result.error) throw result.error;
}

async function drain(target: Target): Promise<IDataObject> {
	const result = await runNode(
		'heartbeat',
		{
			...target.parameters,
			resource: 'queue',
			operation: 'drain',
			drainOptions: { concurrency: 8, batchSize: 50, maxDurationSeconds: 600 },
		},
		{ credentials: target.credentials },
	);
	if (result.error) throw result.error;
	return result.json[0];
}

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)} %`;

function enqueueParameters(target: Target): IDataObject {
	return {
		...target.parameters,
		resource: 'queue',
		operation: 'enqueue',
		source: '={{ $json.source }}',
		method: 'POST',
		path: '/hook',
		body: SMALL_BODY,
		idempotencyKey: '={{ $json.key }}',
	};
}

async function enqueueBatch(
	target: Target,
	input: IDataObject[],
	parameters = enqueueParameters(target),
): Promise<void> {
	const result = await runNode('heartbeat', parameters, { credentials: target.credentials, input });
	if (result.error) throw result.error;
	if (result.json.length !== input.length || result.json.some((json) => json.duplicate !== false)) {
		throw new Error(`${target.name}: enqueue did not store every request once`);
	}
}

async function throughput(
	target: Target,
	home: Awaited<ReturnType<typeof receiver>>,
): Promise<void> {
	const insertMs = await timed(target.rawInsert);
	const deleteMs = await timed(target.rawDelete);
	await recordBeats(target, home.baseUrl);
	const request = (n: number) => ({ source: `src${n % SOURCES}`, key: `k-${n}` });
	const batchMs = await timed(
		async () =>
			await enqueueBatch(
				target,
				Array.from({ length: COUNT }, (_, n) => request(n)),
			),
	);
	const fromItemsMs = await timed(async () => {
		const input = Array.from({ length: COUNT }, (_, n) => {
			const { source, key } = request(COUNT + n);
			return { source, method: 'POST', path: '/hook', body: SMALL_BODY, idempotencyKey: key };
		});
		await enqueueBatch(target, input, {
			...target.parameters,
			resource: 'queue',
			operation: 'enqueue',
			requestFrom: 'inputItems',
		});
	});
	const executionsMs = await timed(async () => {
		for (let n = 2 * COUNT; n < 2 * COUNT + EXECUTIONS; n++)
			await enqueueBatch(target, [request(n)]);
	});
	const total = 2 * COUNT + EXECUTIONS;
	const before = home.count();
	let summary: IDataObject = {};
	const drainMs = await timed(async () => (summary = await drain(target)));
	if (home.count() - before !== total || summary.delivered !== total) {
		throw new Error(
			`${target.name}: delivered ${String(summary.delivered)}, received ${home.count() - before}`,
		);
	}
	const raw = { insert: rate(COUNT, insertMs), delete: rate(COUNT, deleteMs) };
	const node = {
		batch: rate(COUNT, batchMs),
		fromItems: rate(COUNT, fromItemsMs),
		executions: rate(EXECUTIONS, executionsMs),
		delivered: rate(total, drainMs),
	};
	const line = (what: string, value: number) =>
		`  enqueue, ${what.padEnd(54)} ${String(value).padStart(6)}/s = ${percent(value, raw.insert)} of raw INSERT (target ≥ 50 %)\n`;
	console.log(
		`${target.name}: raw single-row INSERT ${raw.insert}/s, raw DELETE…RETURNING ${raw.delete}/s\n` +
			line(`one execution of ${COUNT} items, 2 expressions per item:`, node.batch) +
			line(`one execution of ${COUNT} items, Request From: Input Items:`, node.fromItems) +
			line(`${EXECUTIONS} executions of 1 item each (the relay workflow):`, node.executions) +
			`  drain at concurrency 8: ${node.delivered} delivered/s = ${percent(node.delivered, raw.delete)} of raw DELETE…RETURNING (target ≥ 1000/s)`,
	);
}

function sqliteTarget(file: string): Target {
	const rawTable = async (work: (db: DatabaseSync) => void) => {
		const db = new DatabaseSync(`${file}.raw`);
		db.exec('PRAGMA journal_mode = WAL');
		db.exec('PRAGMA synchronous = NORMAL');
		db.exec(
			'CREATE TABLE IF NOT EXISTS raw_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT, body BLOB)',
		);
		work(db);
		db.close();
	};
	return {
		name: 'sqlite',
		parameters: { storage: 'embedded', databaseFile: file },
		rawInsert: async () =>
			await rawTable((db) => {
				const insert = db.prepare('INSERT INTO raw_queue (source, body) VALUES (?, ?)');
				for (let n = 0; n < COUNT; n++) insert.run(`src${n % SOURCES}`, Buffer.from(SMALL_BODY));
			}),
		rawDelete: async () =>
			await rawTable((db) => {
				const take = db.prepare(
					'DELETE FROM raw_queue WHERE id = (SELECT min(id) FROM raw_queue) RETURNING *',
				);
				for (let n = 0; n < COUNT; n++) take.all();
			}),
	};
}

function postgresTarget(credentials: ReturnType<PostgresServer['credentials']>): Target {
	const { pool } = postgresConfig(credentials);
	const raw = new Pool({ ...pool, max: 1 });
	return {
		name: 'postgresql',
		parameters: { storage: 'postgres' },
		credentials: { homelabPostgresApi: credentials },
		rawInsert: async () => {
			await raw.query('CREATE TABLE raw_queue (id bigserial PRIMARY KEY, source text, body bytea)');
			for (let n = 0; n < COUNT; n++) {
				await raw.query('INSERT INTO raw_queue (source, body) VALUES ($1, $2)', [
					`src${n % SOURCES}`,
					Buffer.from(SMALL_BODY),
				]);
			}
		},
		rawDelete: async () => {
			for (let n = 0; n < COUNT; n++) {
				await raw.query(
					'DELETE FROM raw_queue WHERE id = (SELECT min(id) FROM raw_queue) RETURNING *',
				);
			}
			await raw.end();
		},
	};
}

/** A fresh SQLite file per queue length and round. */
const sqliteMemoryTarget =
	(dir: string) =>
	(queueLength: number, round: number): MemoryTarget => {
		const file = join(dir, `big-${queueLength}-${round}.sqlite`);
		return {
			name: 'sqlite',
			parameters: { storage: 'embedded', databaseFile: file },
			openStore: async () => await SqliteStore.open(file),
			dispose: async () => {
				for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
			},
		};
	};

/** A fresh schema per queue length and round. */
const postgresMemoryTarget =
	(postgres: PostgresServer) =>
	(queueLength: number, round: number): MemoryTarget => {
		const credentials = postgres.credentials(`bench_big_${queueLength}_${round}`);
		const { pool, schema } = postgresConfig(credentials);
		return {
			name: 'postgresql',
			parameters: { storage: 'postgres' },
			credentials: { homelabPostgresApi: credentials },
			openStore: async () => {
				const store = new PostgresStore({ pool, schema });
				await store.migrate();
				return store;
			},
			dispose: async () => {
				// A Client, whose end() waits for the connection to close: the server is stopped right after.
				const admin = new Client(pool);
				await admin.connect();
				await admin.query(`DROP SCHEMA ${quoteIdentifier(schema)} CASCADE`);
				await admin.end();
			},
		};
	};

const BUILT_NODE = join(__dirname, '..', 'dist', 'nodes', 'Heartbeat', 'Heartbeat.node.js');

async function main(): Promise<void> {
	if (!existsSync(BUILT_NODE))
		throw new Error(`${BUILT_NODE} is missing: run \`npm run build\` first`);
	const dir = mkdtempSync(join(tmpdir(), 'hli-bench-queue-'));
	const home = await receiver();
	const postgres = await startPostgres();
	try {
		console.log(`offline queue: ${COUNT} requests, ${SOURCES} sources, Node ${process.version}`);
		const targets = [
			sqliteTarget(join(dir, 'queue.sqlite')),
			postgresTarget(postgres.credentials('bench')),
		];
		if (process.env.BENCH_ONLY !== 'memory')
			for (const target of targets) await throughput(target, home);
		await measureDrainMemory('sqlite', sqliteMemoryTarget(dir), home);
		await measureDrainMemory('postgresql', postgresMemoryTarget(postgres), home);
	} finally {
		await postgres.stop();
		await home.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
