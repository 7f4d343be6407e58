import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Listener ports come from below the kernel's ephemeral range (32768 and up), which every outgoing
 * connection draws its local port from: a port picked there can be taken by a client socket before the
 * server binds it. Each Jest worker draws from its own slice, so parallel test files never pick the
 * same port, and a port is handed out once per process.
 */
const PORT_RANGE = { first: 10_000, size: 10_000, slices: 8 };
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** A free TCP port on 127.0.0.1 for a server a test starts (see PORT_RANGE). */
export async function freePort(): Promise<number> {
	const sliceSize = PORT_RANGE.size / PORT_RANGE.slices;
	const slice = Number(process.env.JEST_WORKER_ID ?? 0) % PORT_RANGE.slices;
	const start = Math.floor(Math.random() * sliceSize);
	for (let k = 0; k < sliceSize; k++) {
		const port = PORT_RANGE.first + slice * sliceSize + ((start + k) % sliceSize);
		if (handedOut.has(port) || !(await canListen(port))) continue;
		handedOut.add(port);
		return port;
	}
	throw new Error(`no free port left in 127.0.0.1:${PORT_RANGE.first}+ slice ${slice}`);
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
