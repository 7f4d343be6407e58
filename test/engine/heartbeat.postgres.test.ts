import { Client } from 'pg';

import { runNode } from '../support/engine';
import { startPostgres, type PostgresServer } from '../support/postgres';
import { describeWithServer } from '../support/servers';
import { relaySuite } from './heartbeatRelaySuite';
import { heartbeatSuite } from './heartbeatSuite';

describeWithServer('postgresql', 'Heartbeat node on PostgreSQL', () => {
	let server: PostgresServer;
	let counter = 0;
	beforeAll(async () => {
		server = await startPostgres();
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
	});

	it('creates its tables in the schema of the credential on first use', async () => {
		const credentials = server.credentials('hb_first_use');
		const beat = await runNode(
			'heartbeat',
			{
				storage: 'postgres',
				resource: 'source',
				operation: 'recordBeat',
				source: 'home',
				status: 'online',
			},
			{ credentials: { homelabPostgresApi: credentials } },
		);
		expect(beat.error).toBeUndefined();
		const client = new Client({
			host: String(credentials.host),
			port: Number(credentials.port),
			database: String(credentials.database),
			user: String(credentials.user),
			password: String(credentials.password),
		});
		await client.connect();
		try {
			const tables = await client.query(
				'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
				['hb_first_use'],
			);
			expect(tables.rows.map((row) => row.table_name)).toEqual([
				'heartbeat_migrations',
				'heartbeat_queue',
				'heartbeat_sources',
			]);
			const sources = await client.query('SELECT source FROM hb_first_use.heartbeat_sources');
			expect(sources.rows).toEqual([{ source: 'home' }]);
		} finally {
			await client.end();
		}
	});

	// Each test gets its own schema, created and migrated by the node itself.
	const target = () => ({
		fresh: () => ({
			parameters: { storage: 'postgres' },
			credentials: { homelabPostgresApi: server.credentials(`hb_test_${++counter}`) },
		}),
		restart: async () => await server.restart(),
	});
	heartbeatSuite(target, true);
	relaySuite(target);
});
