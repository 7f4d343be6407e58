/**
 * A Heartbeat node in its own process, so a test can kill it mid-drain or mid-forward by PID. Runs the
 * node in n8n's engine with the parameters (Drain, Forward or Enqueue …) and credentials given as JSON
 * in argv[2].
 */
import { runNode } from '../support/engine';

async function main(): Promise<void> {
	const { parameters, credentials } = JSON.parse(process.argv[2]) as {
		parameters: Record<string, unknown>;
		credentials?: Record<string, Record<string, unknown>>;
	};
	process.stdout.write('draining\n');
	const result = await runNode('heartbeat', parameters as never, {
		credentials: credentials as never,
	});
	process.stdout.write(
		`${JSON.stringify(result.error ? { error: result.error.message } : result.json)}\n`,
	);
}

void main();
