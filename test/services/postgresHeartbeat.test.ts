import type { ICredentialTestFunctions } from 'n8n-workflow';
import { Client } from 'pg';

import { homelabPostgresConnectionTest } from '../../nodes/Heartbeat/methods/credentialTest';
import { postgresConfig } from '../../nodes/Heartbeat/storage/open';
import { PostgresStore } from '../../nodes/Heartbeat/storage/postgres';
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
});
