import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { heartbeatSuite } from './heartbeatSuite';

describe('Heartbeat node on the embedded SQLite store', () => {
	const dir = mkdtempSync(join(tmpdir(), 'hli-heartbeat-'));
	let counter = 0;
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	heartbeatSuite(
		() => ({ fresh: () => ({ parameters: { storage: 'embedded', databaseFile: join(dir, `queue-${++counter}.sqlite`) } }) }),
		false,
	);
});
