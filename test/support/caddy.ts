import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { httpCall, type SimpleResponse } from './http';
import { freePort, startProcess, stopProcess, waitFor, type Started } from './process';

export interface CaddyServer {
	adminUrl: string;
	adminPort: number;
	httpPort: number;
	pid: number;
	/** GET through Caddy's HTTP listener with a Host header. */
	get(host: string, path?: string): Promise<SimpleResponse>;
	/**
	 * GET, asked again for up to 3 s until `settled` holds, then the last answer (for the caller's
	 * expects): right after a reload Caddy 2.6 can still hand the odd new connection to the server
	 * it is retiring, which answers from the previous config.
	 */
	getWhen(
		host: string,
		path: string,
		settled: (response: SimpleResponse) => boolean,
	): Promise<SimpleResponse>;
	/** requestWhen: getWhen with any request through the HTTP listener (headers, method). */
	requestWhen(
		request: Parameters<typeof httpCall>[1],
		settled: (response: SimpleResponse) => boolean,
	): Promise<SimpleResponse>;
	/** Asserts that `host` + `path` is answered with `body` (asked as getWhen does). */
	expectServed(host: string, path: string, body: string): Promise<void>;
	config(): Promise<string>;
	/** A raw admin-API call, as the operator would make it by hand (with the admin origin). */
	admin(method: string, path: string, body?: unknown): Promise<SimpleResponse>;
	stop(): Promise<void>;
	running(): boolean;
}

/**
 * Starts a real Caddy with its admin API on a free loopback port and one HTTP server ("ingress",
 * plain HTTP on another free loopback port) that the Caddy Route node manages.
 */
export async function startCaddy(
	extraRoutes: object[] = [],
	options: { withServer?: boolean } = {},
): Promise<CaddyServer> {
	const dir = mkdtempSync(join(tmpdir(), 'hli-caddy-'));
	const adminPort = await freePort();
	const httpPort = await freePort();
	const config = {
		admin: { listen: `127.0.0.1:${adminPort}`, config: { persist: false } },
		logging: { logs: { default: { level: 'ERROR' } } },
		apps:
			options.withServer === false
				? undefined
				: {
						http: {
							servers: {
								ingress: {
									listen: [`127.0.0.1:${httpPort}`],
									automatic_https: { disable: true },
									routes: extraRoutes,
								},
							},
						},
					},
	};
	writeFileSync(join(dir, 'caddy.json'), JSON.stringify(config));
	const env = {
		...process.env,
		HOME: dir,
		XDG_CONFIG_HOME: join(dir, 'config'),
		XDG_DATA_HOME: join(dir, 'data'),
	};
	let started: Started | undefined = startProcess(
		'caddy',
		['run', '--config', join(dir, 'caddy.json')],
		env,
	);
	const adminUrl = `http://127.0.0.1:${adminPort}`;
	try {
		await waitFor('Caddy admin API', async () => (await fetch(`${adminUrl}/config/`)).ok, 15_000);
	} catch (error) {
		const output = started.output();
		await stopProcess(started);
		throw new Error(`${(error as Error).message}\n${output}`);
	}
	const get = async (host: string, path = '/') => await httpCall(httpPort, { host, path });
	const requestWhen = async (
		request: Parameters<typeof httpCall>[1],
		settled: (response: SimpleResponse) => boolean,
	) => {
		const deadline = Date.now() + 3_000;
		let served = await httpCall(httpPort, request);
		while (!settled(served) && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			served = await httpCall(httpPort, request);
		}
		return served;
	};
	const getWhen = async (
		host: string,
		path: string,
		settled: (response: SimpleResponse) => boolean,
	) => await requestWhen({ host, path }, settled);
	const adminGet = async (path: string) =>
		await httpCall(adminPort, { path, headers: { Origin: adminUrl } });
	const pid = started.pid;
	return {
		adminUrl,
		adminPort,
		httpPort,
		pid,
		get,
		getWhen,
		requestWhen,
		async expectServed(host, path, body) {
			const served = await getWhen(host, path, (response) => response.body === body);
			if (served.body !== body)
				throw new Error(
					`${host}${path} answered ${served.status} ${JSON.stringify(served.body.slice(0, 200))}, expected ${JSON.stringify(body)}`,
				);
		},
		async config() {
			// Not fetch: its pooled connection may be one the admin server closes on a config change.
			const response = await adminGet('/config/');
			if (response.status !== 200)
				throw new Error(`GET /config/ answered ${response.status}: ${response.body}`);
			return response.body;
		},
		async admin(method, path, body) {
			if (method === 'GET') return await adminGet(path);
			// Not sent again (it may have landed): a GET first waits out an admin server being swapped.
			await adminGet('/config/admin');
			return await httpCall(adminPort, {
				method,
				path,
				headers: {
					Origin: adminUrl,
					...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			});
		},
		running() {
			return (
				started !== undefined &&
				started.child.exitCode === null &&
				started.child.signalCode === null
			);
		},
		async stop() {
			await stopProcess(started);
			started = undefined;
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
