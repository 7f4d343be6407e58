import { randomBytes } from 'node:crypto';

import type { ICredentialDataDecryptedObject, ICredentialTestFunctions } from 'n8n-workflow';
import { Client } from 'pg';

import { homelabPostgresConnectionTest } from '../../nodes/Heartbeat/methods/credentialTest';
import { outcomeOf } from '../../nodes/Heartbeat/helpers/idempotency';
import { migrations, migrationsTable } from '../../nodes/Heartbeat/storage/migrations';
import { postgresConfig } from '../../nodes/Heartbeat/storage/open';
import { PostgresStore } from '../../nodes/Heartbeat/storage/postgres';
import type { RelayRequest } from '../../nodes/Heartbeat/storage/types';
import { makeTestPki, type TestPki } from '../support/certs';
import { credentialTypes } from '../support/engine';
import { startPostgres, type PostgresServer } from '../support/postgres';
import { describeWithServer } from '../support/servers';

describeWithServer(
	'postgresql',
	'homelabPostgresApi credential and migrations against a real PostgreSQL',
	() => {
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
			expect(await test(server.credentials())).toMatchObject({
				status: 'OK',
				message: expect.stringMatching(/^Connected as hli \(PostgreSQL 1\d/),
			});
			const wrong = await test({ ...server.credentials(), password: 'not-the-password-123' });
			expect(wrong.status).toBe('Error');
			expect(wrong.message).toMatch(/password authentication failed/);
			expect(wrong.message).not.toContain('not-the-password-123');
			const closed = await test({ ...server.credentials(), port: 1 });
			expect(closed).toMatchObject({
				status: 'Error',
				message: expect.stringMatching(/ECONNREFUSED/),
			});
			expect(await test({ ...server.credentials(), schema: 'bad-name;' })).toMatchObject({
				status: 'Error',
				message: expect.stringMatching(/Invalid Schema/),
			});
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
				expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }]);
				const tables = await client.query(
					'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
					[schema],
				);
				expect(tables.rows.map((r) => r.table_name)).toEqual([
					'heartbeat_migrations',
					'heartbeat_queue',
					'heartbeat_sources',
				]);
			} finally {
				await client.end();
			}
		});

		it('upgrades a schema of version 1 with queued requests in place: they keep their place and count as queued', async () => {
			const { pool, schema } = postgresConfig(server.credentials('upgrade_from_v1'));
			const qualify = (sql: string) =>
				sql.replace(/\{(sources|queue|migrations)\}/g, `${schema}.heartbeat_$1`);
			const client = new Client(pool);
			await client.connect();
			try {
				await client.query(`CREATE SCHEMA ${schema}`);
				await client.query(qualify(migrationsTable.postgres));
				for (const statement of migrations[0].postgres) await client.query(qualify(statement));
				await client.query(qualify('INSERT INTO {migrations} VALUES (1, 0)'));
				await client.query(
					qualify(`INSERT INTO {queue} (source, method, path, headers, idempotency_key, created_at, next_attempt_at)
						VALUES ('home', 'POST', '/old', '{}', 'from-v1', 1, 1)`),
				);
				const store = new PostgresStore({ pool, schema });
				try {
					await store.migrateNow();
					const record = await store.findKey('home', 'from-v1');
					expect(record).toMatchObject({ status: 'pending', forwardedStatus: null });
					expect(outcomeOf(record!)).toMatchObject({
						queued: true,
						delivered: false,
						status: null,
					});
					expect(await store.hasPending('home')).toBe(true);
				} finally {
					await store.close();
				}
				const versions = await client.query(qualify('SELECT version FROM {migrations} ORDER BY 1'));
				expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }]);
			} finally {
				await client.end();
			}
		});

		it('returns every body byte for byte whatever its size, across the slices it is read in', async () => {
			await expectBodiesByteForByte(server.credentials('body_slices'));
		});
	},
);

/** Stores bodies of sizes around the slice size and beyond, then checks the batch read back byte for byte. */
async function expectBodiesByteForByte(credentials: ICredentialDataDecryptedObject): Promise<void> {
	const { pool, schema } = postgresConfig(credentials);
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
		const batch = await store.nextBatch({
			source: 'slices',
			owner,
			now,
			leaseMs: 60_000,
			afterId: 0,
			limit: 100,
			maxBytes: 10_000_000,
		});
		expect(batch?.map((item) => item.path)).toEqual(requests.map((request) => request.path));
		batch?.slice(0, bodies.length).forEach((item, n) => {
			expect(item.body?.length ?? 0).toBe(sizes[n]);
			expect(Buffer.compare(item.body ?? Buffer.alloc(0), bodies[n])).toBe(0);
		});
		expect(batch?.[bodies.length].body?.length ?? 0).toBe(0);
		// While the pool still holds its connections: are they encrypted as the credential asked?
		expect(await storeSessionsEncrypted(credentials)).toEqual([
			credentials.ssl !== undefined && credentials.ssl !== 'disable',
		]);
	} finally {
		await store.close();
	}
}

/** The distinct TLS states of the node's open sessions, seen by the server (pg_stat_ssl). */
async function storeSessionsEncrypted(
	credentials: ICredentialDataDecryptedObject,
): Promise<boolean[]> {
	const client = new Client({
		...postgresConfig({ ...credentials, ssl: 'disable' }).pool,
		application_name: 'hli-test-observer',
	});
	await client.connect();
	try {
		const { rows } = await client.query(
			`SELECT DISTINCT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
			 WHERE a.application_name = 'n8n-nodes-homelab-ingress'`,
		);
		return rows.map((row) => Boolean(row.ssl));
	} finally {
		await client.end();
	}
}

describeWithServer('postgresql', 'homelabPostgresApi over TLS to a real PostgreSQL', () => {
	let server: PostgresServer;
	let pki: TestPki;
	beforeAll(async () => {
		pki = makeTestPki('localhost');
		server = await startPostgres({ tls: pki });
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
	});

	const credentials = (schema: string, tls: ICredentialDataDecryptedObject) => ({
		...server.credentials(schema),
		host: 'localhost',
		...tls,
	});

	it("encrypts the store's connections with 'Require' and with 'Verify Full' and the CA, bodies intact", async () => {
		await expectBodiesByteForByte(credentials('tls_require', { ssl: 'require' }));
		await expectBodiesByteForByte(
			credentials('tls_verify', { ssl: 'verifyFull', caCertificate: pki.caPem }),
		);
		await expectBodiesByteForByte(credentials('tls_disabled', { ssl: 'disable' }));
	});

	it("refuses a server certificate that the credential's CA did not sign", async () => {
		const otherCa = makeTestPki('localhost').caPem;
		const result = await homelabPostgresConnectionTest.call({} as ICredentialTestFunctions, {
			id: 'c',
			name: 'pg',
			type: 'homelabPostgresApi',
			data: credentials('public', { ssl: 'verifyFull', caCertificate: otherCa }) as never,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/certificate/i);
	});
});
