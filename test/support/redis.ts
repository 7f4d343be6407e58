/**
 * A private Redis for the tests: Debian's redis-server on a free 127.0.0.1 port, its own directory, no
 * persistence, stopped by PID and removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, startProcess, stopProcess, waitFor, type Started } from './process';

export interface RedisServer {
	port: number;
	pid: number;
	stop(): Promise<void>;
}

/** PING over a raw connection: Redis answers +PONG once it accepts commands. */
async function pong(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1_000, () => done(false));
		socket.once('error', () => done(false));
		socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
		socket.once('connect', () => socket.write('PING\r\n'));
	});
}

export async function startRedis(): Promise<RedisServer> {
	const dir = mkdtempSync(join(tmpdir(), 'hli-redis-'));
	const port = await freePort();
	let server: Started | undefined = startProcess('redis-server', [
		'--port',
		String(port),
		'--bind',
		'127.0.0.1',
		'--dir',
		dir,
		'--save',
		'',
		'--appendonly',
		'no',
		'--loglevel',
		'warning',
	]);
	try {
		await waitFor('Redis', async () => await pong(port), 15_000);
	} catch (error) {
		const output = server.output();
		await stopProcess(server);
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`${(error as Error).message}\n${output}`);
	}
	const pid = server.pid;
	return {
		port,
		pid,
		async stop() {
			await stopProcess(server);
			server = undefined;
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
