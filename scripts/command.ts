/**
 * Child commands for scripts/n8n-instance.ts, run asynchronously so the caller's event loop keeps
 * serving (the lab's simulators and home service live in the same process) and Ctrl-C is seen at once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const KEPT_OUTPUT_CHARS = 4_000;

export interface RunOptions {
	cwd: string;
	env?: NodeJS.ProcessEnv;
	timeoutMs: number;
	/** Kills the command when aborted. */
	signal?: AbortSignal;
}

/** Runs a command to its end and returns its stdout; a failure carries the tail of its output. */
export async function run(command: string, args: string[], options: RunOptions): Promise<string> {
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: options.timeoutMs,
		signal: options.signal,
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => {
		stderr = (stderr + chunk.toString()).slice(-KEPT_OUTPUT_CHARS);
	});
	const outcome = await new Promise<{ code: number | null; signal: string | null; error?: Error }>(
		(resolve) => {
			let error: Error | undefined;
			child.once('error', (cause) => {
				error = cause;
				// A command that could not be started never closes.
				if (child.pid === undefined) resolve({ code: null, signal: null, error });
			});
			child.once('close', (code, signal) => resolve({ code, signal, error }));
		},
	);
	if (outcome.code !== 0) {
		const why =
			outcome.error?.message ??
			(outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.code}`);
		const output = `${stdout}${stderr}`.slice(-KEPT_OUTPUT_CHARS);
		throw new Error(`${command} ${args.join(' ')} failed (${why}):\n${output}`);
	}
	return stdout;
}

/** A temp dir for the duration of `body`, removed afterwards (it may hold credentials in plain text). */
export async function withTempDir<T>(
	prefix: string,
	body: (dir: string) => Promise<T>,
): Promise<T> {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	try {
		return await body(dir);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
