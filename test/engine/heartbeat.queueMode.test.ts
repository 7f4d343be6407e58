/**
 * The Heartbeat node inside n8n's engine while n8n is in queue mode (EXECUTIONS_MODE=queue, n8n's
 * documented setting): the embedded SQLite store refuses to run before it creates its file, and the
 * PostgreSQL store works as before.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runNode } from '../support/engine';
import { startPostgres, type PostgresServer } from '../support/postgres';
import { describeWithServer } from '../support/servers';

const recordBeat = {
	resource: 'source',
	operation: 'recordBeat',
	source: 'home',
	status: 'online',
};

describe('Heartbeat node while n8n runs in queue mode', () => {
	const dir = mkdtempSync(join(tmpdir(), 'hli-heartbeat-queue-'));
	const saved = process.env.EXECUTIONS_MODE;
	beforeEach(() => {
		process.env.EXECUTIONS_MODE = 'queue';
	});
	afterEach(() => {
		if (saved === undefined) delete process.env.EXECUTIONS_MODE;
		else process.env.EXECUTIONS_MODE = saved;
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('refuses the embedded store before creating its file, pointing at PostgreSQL', async () => {
		const file = join(dir, 'refused.sqlite');
		const refused = await runNode('heartbeat', {
			storage: 'embedded',
			databaseFile: file,
			...recordBeat,
		});
		expect(refused.error?.message).toMatch(
			/^Invalid Storage: the embedded SQLite store cannot be used while n8n runs in queue mode/,
		);
		expect(refused.error?.message).toMatch(/Set Storage to PostgreSQL/);
		expect(existsSync(file)).toBe(false);
	});

	it('with Continue On Fail, fails every item with kind input (400) for the workflow to branch on', async () => {
		const file = join(dir, 'continued.sqlite');
		const continued = await runNode(
			'heartbeat',
			{ storage: 'embedded', databaseFile: file, ...recordBeat },
			{ input: [{ n: 1 }, { n: 2 }], onError: 'continueRegularOutput' },
		);
		expect(continued.error).toBeUndefined();
		expect(continued.items('Node')).toEqual(
			[0, 1].map((item) => ({
				json: {
					error: expect.stringMatching(/^Invalid Storage: .*queue mode/),
					details: { errorKind: 'input', httpStatus: 400 },
				},
				pairedItem: { item },
			})),
		);
		expect(existsSync(file)).toBe(false);
	});

	it('uses the embedded store again once n8n is back in regular mode', async () => {
		process.env.EXECUTIONS_MODE = 'regular';
		const file = join(dir, 'regular.sqlite');
		const beat = await runNode('heartbeat', {
			storage: 'embedded',
			databaseFile: file,
			...recordBeat,
		});
		expect(beat.error).toBeUndefined();
		expect(existsSync(file)).toBe(true);
	});

	describeWithServer('postgresql', 'on PostgreSQL', () => {
		let server: PostgresServer;
		beforeAll(async () => {
			server = await startPostgres();
		}, 60_000);
		afterAll(async () => await server?.stop(), 30_000);

		it('records beats as in regular mode', async () => {
			const beat = await runNode(
				'heartbeat',
				{ storage: 'postgres', ...recordBeat },
				{ credentials: { homelabPostgresApi: server.credentials('hb_queue_mode') } },
			);
			expect(beat.error).toBeUndefined();
			expect(beat.json[0]).toMatchObject({ source: 'home', status: 'online' });
		});
	});
});
