import { startPostgres, type PostgresServer } from '../support/postgres';
import { describeWithServer } from '../support/servers';
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

	// Each test gets its own schema, created and migrated by the node itself.
	heartbeatSuite(
		() => ({
			fresh: () => ({
				parameters: { storage: 'postgres' },
				credentials: { homelabPostgresApi: server.credentials(`hb_test_${++counter}`) },
			}),
			restart: async () => await server.restart(),
		}),
		true,
	);
});
