import { errorKindOf } from '../../lib/errors';
import { assertEmbeddedStoreAllowed } from '../../nodes/Heartbeat/storage/open';
import { n8nRunsInQueueMode } from '../../nodes/Heartbeat/storage/queueMode';

const n8nArgv = (command: string) => ['/usr/bin/node', '/opt/n8n/bin/n8n', command];

describe('n8nRunsInQueueMode', () => {
	it.each([
		['EXECUTIONS_MODE=queue on the main process', { EXECUTIONS_MODE: 'queue' }, 'start', true],
		['EXECUTIONS_MODE=regular', { EXECUTIONS_MODE: 'regular' }, 'start', false],
		['no EXECUTIONS_MODE', {}, 'start', false],
		['`n8n worker` without EXECUTIONS_MODE (n8n switches it to queue)', {}, 'worker', true],
		['`n8n webhook` (a webhook processor)', {}, 'webhook', true],
		['`n8n execute`', {}, 'execute', false],
	])('%s', (_case, env, command, expected) => {
		expect(n8nRunsInQueueMode(env, n8nArgv(command))).toBe(expected);
	});
});

describe('the embedded store in queue mode', () => {
	it('is refused with an input error that names PostgreSQL and says why', () => {
		expect(() => assertEmbeddedStoreAllowed(false)).not.toThrow();
		let refusal: unknown;
		try {
			assertEmbeddedStoreAllowed(true);
		} catch (error) {
			refusal = error;
		}
		expect(errorKindOf(refusal)).toBe('input');
		const message = (refusal as Error).message;
		expect(message).toMatch(/^Invalid Storage: /);
		expect(message).toMatch(/queue mode/);
		expect(message).toMatch(/each worker would keep its own file/);
		expect(message).toMatch(/Set Storage to PostgreSQL/);
		expect(message).not.toMatch(/…$/);
	});
});
