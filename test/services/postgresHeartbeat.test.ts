import { randomBytes } from 'node:crypto';

import type { ICredentialTestFunctions } from 'n8n-workflow';
import { Client } from 'pg';

import { homelabPostgresConnectionTest } from '../../nodes/Heartbeat/methods/credentialTest';
import { postgresConfig } from '../../nodes/Heartbeat/storage/open';
import { PostgresStore } from '../../nodes/Heartbeat/storage/postgres';
import type { RelayRequest } from '../../nodes/Heartbeat/storage/types';
import { credentialTypes } from '../support/engine';
import { startPostgres, type PostgresServer } from '../support/postgres';
import { describeWithServer } from '../support/servers';

describeWithServer('postgresql', 'homelabPostgresApi credential and migrations against a real PostgreSQL', () => {
	let server: PostgresServer;
	beforeAll(async () => {
		server = await startPostgres();
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
	});

	const test = async (data: Record<string, unknown>) =>
		await homelabPostgresConnectionTest.call({} as ICredentialTestFunctions, {
			id: 'c',
			name: 'pg',
			type: 'homelabPostgresApi',
			data: data as never,
		});

	it('is registered, and its test really connects: OK with the right password, an error without leaking a wrong one', async () => {
		expect(credentialTypes.get('homelabPostgresApi')?.properties.map((p) => p.name)).toEqual(
			expect.arrayContaining(['host', 'port', 'database', 'user', 'password', 'ssl', 'schema']),
		);
		expect(await test(server.credentials())).toMatchObject({ status: 'OK', message: expect.stringMatching(/^Connected as hli \(PostgreSQL 1\d/) });
		const wrong = await test({ ...server.credentials(), password: 'not-the-password-123' });
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toMatch(/password authentication failed/);
		expect(wrong.message).not.toContain('not-the-password-123');
		const closed = await test({ ...server.credentials(), port: 1 });
		expect(closed).toMatchObject({ status: 'Error', message: expect.stringMatching(/ECONNREFUSED/) });
		expect(await test({ ...server.credentials(), schema: 'bad-name;' })).toMatchObject({ status: 'Error', message: expect.stringMatching(/Invalid Schema/) });
	});

	it('migrates a new schema once when several executions start at the same time', async () => {
		const { pool, schema } = postgresConfig(server.credentials('concurrent_migrations'));
		// Separate pools, each migrating for itself (no per-process cache): they race on the advisory lock.
		const stores = Array.from({ length: 6 }, () => new PostgresStore({ pool, schema }));
		await Promise.all(stores.map(async (store) => await store.migrateNow()));
		await Promise.all(stores.map(async (store) => await store.close()));
		const client = new Client(pool);
		await client.connect();
		try {
			const versions = await client.query(`SELECT version FROM ${schema}.heartbeat_migrations`);
			expect(versions.rows).toEqual([{ version: 1 }]);
			const tables = await client.query(
				"SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
				[schema],
			);
			expect(tables.rows.map((r) => r.table_name)).toEqual(['heartbeat_migrations', 'heartbeat_queue', 'heartbeat_sources']);
		} finally {
			await client.end();
		}
	});

	it('returns every body byte for byte whatever its size, across the slices it is read in', async () => {
		const { pool, schema } = postgresConfig(server.credentials('body_slices'));
		const store = new PostgresStore({ pool, schema });
		try {
			await store.migrateNow();
			const sizes = [0, 1, 6143, 6144, 6145, 16_384, 100_000, 300_001];
			const bodies = sizes.map((size) => randomBytes(size));
			const requests: RelayRequest[] = bodies.map((body, n) => ({
				source: 'slices',
				method: 'POST',
				path: `/item/${n}`,
				headers: {},
				body,
				idempotencyKey: `slice-${n}`,
			}));
			requests.push({ ...requests[0], body: null, path: '/no-body', idempotencyKey: 'slice-null' });
			const now = Date.now();
			await store.enqueueMany(requests, now);
			const owner = 'slice-test';
			expect(await store.claimSource({ owner, now, leaseMs: 60_000, exclude: [] })).toBe('slices');
			const batch = await store.nextBatch({ source: 'slices', owner, now, leaseMs: 60_000, afterId: 0, limit: 100, maxBytes: 10_000_000 });
			expect(batch?.map((item) => item.path)).toEqual(requests.map((request) => request.path));
			batch?.slice(0, bodies.length).forEach((item, n) => {
				expect(item.body?.length ?? 0).toBe(sizes[n]);
				expect(Buffer.compare(item.body ?? Buffer.alloc(0), bodies[n])).toBe(0);
			});
			expect(batch?.[bodies.length].body?.length ?? 0).toBe(0);
		} finally {
			await store.close();
		}
	});
});
