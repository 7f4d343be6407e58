/**
 * A private PostgreSQL cluster for the tests: Debian's server binaries, initdb into a temp dir, one
 * server on a free 127.0.0.1 port, password auth over TCP. As root the server runs as the `postgres`
 * system user (PostgreSQL refuses root). Stopped by PID and removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import type { TestPki } from './certs';
import { freePort, startProcess, waitFor, type Started } from './process';

export interface PostgresServer {
	port: number;
	pid(): number;
	/** Data for the `homelabPostgresApi` credential. */
	credentials(schema?: string): {
		host: string;
		port: number;
		database: string;
		user: string;
		password: string;
		schema: string;
	};
	/** Fast shutdown (SIGINT) and start again on the same port and data. */
	restart(downMs?: number): Promise<void>;
	stop(): Promise<void>;
}

function binDir(): string {
	const root = '/usr/lib/postgresql';
	const majors = existsSync(root)
		? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
		: [];
	const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
	if (!newest) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
	return join(root, newest, 'bin');
}

/** As root, run as the postgres system user (setpriv execs, so the PID we hold is the server's own). */
function asServerUser(command: string, args: string[]): [string, string[]] {
	if (process.getuid?.() !== 0) return [command, args];
	return [
		'setpriv',
		['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args],
	];
}

async function stopServer(started: Started | undefined): Promise<void> {
	if (!started || started.child.exitCode !== null || started.child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => started.child.once('exit', () => resolve()));
	process.kill(started.pid, 'SIGINT');
	const timer = setTimeout(() => process.kill(started.pid, 'SIGKILL'), 10_000);
	await exited;
	clearTimeout(timer);
}

/** `tls`: the server also accepts TLS, with this certificate (plain connections still work). */
export async function startPostgres(options: { tls?: TestPki } = {}): Promise<PostgresServer> {
	const bin = binDir();
	const dir = mkdtempSync(join(tmpdir(), 'hli-pg-'));
	const data = join(dir, 'data');
	const password = `pw-${process.pid}-${Date.now()}`;
	const files: Record<string, string> = { pwfile: password };
	if (options.tls)
		Object.assign(files, { 'server.key': options.tls.key, 'server.pem': options.tls.cert });
	// PostgreSQL refuses a key file that others can read.
	for (const [name, content] of Object.entries(files))
		writeFileSync(join(dir, name), content, { mode: 0o600 });
	if (process.getuid?.() === 0) {
		const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
		const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
		chownSync(dir, uid, gid);
		for (const name of Object.keys(files)) chownSync(join(dir, name), uid, gid);
	}
	const tlsSettings = options.tls
		? [
				'-c',
				'ssl=on',
				'-c',
				`ssl_cert_file=${join(dir, 'server.pem')}`,
				'-c',
				`ssl_key_file=${join(dir, 'server.key')}`,
			]
		: [];
	const [initCommand, initArgs] = asServerUser(join(bin, 'initdb'), [
		'-D',
		data,
		'-U',
		'hli',
		`--pwfile=${join(dir, 'pwfile')}`,
		'--auth-host=scram-sha-256',
		'--auth-local=trust',
		'-E',
		'UTF8',
		'--no-instructions',
	]);
	execFileSync(initCommand, initArgs, { stdio: 'pipe', timeout: 120_000 });
	const port = await freePort();
	let server: Started | undefined;

	const start = async () => {
		const [command, args] = asServerUser(join(bin, 'postgres'), [
			'-D',
			data,
			'-p',
			String(port),
			'-k',
			dir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'max_connections=100',
			'-c',
			'shared_buffers=64MB',
			'-c',
			'log_min_messages=warning',
			...tlsSettings,
		]);
		server = startProcess(command, args);
		const started = server;
		try {
			await waitFor(
				'PostgreSQL',
				async () => {
					const client = new Client({
						host: '127.0.0.1',
						port,
						user: 'hli',
						password,
						database: 'postgres',
					});
					client.on('error', () => undefined);
					await client.connect();
					await client.end();
					return true;
				},
				30_000,
				100,
			);
		} catch (error) {
			await stopServer(started);
			throw new Error(`${(error as Error).message}\n${started.output()}`);
		}
	};
	await start();

	return {
		port,
		pid: () => server?.pid ?? 0,
		credentials: (schema = 'public') => ({
			host: '127.0.0.1',
			port,
			database: 'postgres',
			user: 'hli',
			password,
			schema,
		}),
		async restart(downMs = 500) {
			await stopServer(server);
			await new Promise((resolve) => setTimeout(resolve, downMs));
			await start();
		},
		async stop() {
			await stopServer(server);
			server = undefined;
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
