import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

export async function waitFor(
	what: string,
	check: () => Promise<boolean>,
	timeoutMs: number,
	intervalMs = 100,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await check().catch(() => false)) return;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

export interface Started {
	child: ChildProcess;
	pid: number;
	output(): string;
}

/** Spawns a server process we own; its output is kept for failure messages. */
export function startProcess(
	command: string,
	args: string[],
	env: NodeJS.ProcessEnv = process.env,
): Started {
	const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	const keep = (chunk: Buffer) => {
		output = (output + chunk.toString()).slice(-20_000);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	if (!child.pid) throw new Error(`could not start ${command}`);
	return { child, pid: child.pid, output: () => output };
}

/** Stops a process we started, by its PID: SIGTERM, then SIGKILL after a grace period. */
export async function stopProcess(started: Started | undefined, graceMs = 5_000): Promise<void> {
	if (!started || started.child.exitCode !== null || started.child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => started.child.once('exit', () => resolve()));
	process.kill(started.pid, 'SIGTERM');
	const timer = setTimeout(() => {
		if (started.child.exitCode === null) process.kill(started.pid, 'SIGKILL');
	}, graceMs);
	await exited;
	clearTimeout(timer);
}
