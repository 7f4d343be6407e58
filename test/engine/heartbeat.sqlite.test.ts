import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runNode } from '../support/engine';
import { relaySuite } from './heartbeatRelaySuite';
import { heartbeatSuite } from './heartbeatSuite';

describe('Heartbeat node on the embedded SQLite store', () => {
	const dir = mkdtempSync(join(tmpdir(), 'hli-heartbeat-'));
	let counter = 0;
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('keeps its data in the database file it is given, creating it on first use', async () => {
		const file = join(dir, 'chosen.sqlite');
		expect(existsSync(file)).toBe(false);
		const beat = await runNode('heartbeat', {
			storage: 'embedded',
			databaseFile: file,
			resource: 'source',
			operation: 'recordBeat',
			source: 'home',
			status: 'online',
		});
		expect(beat.error).toBeUndefined();
		expect(beat.json[0]).toMatchObject({ source: 'home', status: 'online' });
		expect(existsSync(file)).toBe(true);
	});

	const target = () => ({
		fresh: () => ({
			parameters: { storage: 'embedded', databaseFile: join(dir, `queue-${++counter}.sqlite`) },
		}),
	});
	heartbeatSuite(target, false);
	relaySuite(target);
});
