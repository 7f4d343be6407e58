/**
 * A real PowerDNS Authoritative server (Debian `pdns-server` + `pdns-backend-sqlite3`) for the tests:
 * a private config dir and a sqlite database made from the schema the Debian package ships, DNS and
 * the HTTP API on free 127.0.0.1 ports, no root, no systemd, stopped by PID.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { httpCall } from './http';
import { freePort, startProcess, stopProcess, waitFor, type Started } from './process';
import { ensureDebianPackage, markUnavailable, serverAvailability } from './servers';

export const SQLITE_SCHEMA = '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';

/**
 * Global setup, after `prepareServer('powerdns', …)`: the gsqlite3 backend is a second Debian package
 * with no binary of its own, so it is recognised by the schema file it ships.
 */
export function preparePowerDnsBackend(): void {
	if (!serverAvailability('powerdns').available) return;
	const reason = ensureDebianPackage('pdns-backend-sqlite3', () => existsSync(SQLITE_SCHEMA));
	if (reason) markUnavailable('powerdns', reason);
}

export interface PowerDns {
	/** HTTP API root, e.g. http://127.0.0.1:PORT (the credential's URL). */
	apiUrl: string;
	apiKey: string;
	dnsPort: number;
	/** `127.0.0.1:PORT` for node:dns Resolver#setServers. */
	dnsServer: string;
	/** One API call with the key, for fixtures and assertions (not through the node). */
	api(
		method: string,
		path: string,
		body?: unknown,
	): Promise<{ status: number; json: unknown; text: string }>;
	createZone(zone: string): Promise<void>;
	stop(): Promise<void>;
}

export async function startPowerDns(): Promise<PowerDns> {
	const dir = mkdtempSync(join(tmpdir(), 'hli-pdns-'));
	const database = join(dir, 'pdns.sqlite3');
	const db = new DatabaseSync(database);
	db.exec(readFileSync(SQLITE_SCHEMA, 'utf8'));
	db.close();

	const [dnsPort, apiPort] = [await freePort(), await freePort()];
	const apiKey = `test-${Math.random().toString(36).slice(2)}`;
	writeFileSync(
		join(dir, 'pdns.conf'),
		[
			'launch=gsqlite3',
			`gsqlite3-database=${database}`,
			'api=yes',
			`api-key=${apiKey}`,
			'webserver-address=127.0.0.1',
			`webserver-port=${apiPort}`,
			'webserver-allow-from=127.0.0.0/8',
			'local-address=127.0.0.1',
			`local-port=${dnsPort}`,
			// Answers must reflect API changes at once, so the tests see what the node wrote.
			'cache-ttl=0',
			'negquery-cache-ttl=0',
			'query-cache-ttl=0',
			'security-poll-suffix=',
			'',
		].join('\n'),
	);
	const server: Started = startProcess('pdns_server', [
		`--config-dir=${dir}`,
		'--daemon=no',
		'--guardian=no',
		'--disable-syslog',
		'--setuid=',
		'--setgid=',
		`--socket-dir=${dir}`,
	]);
	const apiUrl = `http://127.0.0.1:${apiPort}`;
	const api: PowerDns['api'] = async (method, path, body) => {
		const response = await httpCall(apiPort, {
			path: `/api/v1/servers/localhost${path}`,
			method,
			headers: {
				'X-API-Key': apiKey,
				...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		let json: unknown;
		try {
			json = JSON.parse(response.body);
		} catch {
			json = undefined;
		}
		return { status: response.status, json, text: response.body };
	};
	try {
		await waitFor(
			'PowerDNS HTTP API',
			async () => (await api('GET', '/zones')).status === 200,
			20_000,
		);
	} catch (error) {
		await stopProcess(server);
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`${(error as Error).message}\n${server.output()}`);
	}
	return {
		apiUrl,
		apiKey,
		dnsPort,
		dnsServer: `127.0.0.1:${dnsPort}`,
		api,
		async createZone(zone) {
			const name = `${zone.replace(/\.$/, '')}.`;
			const response = await api('POST', '/zones', {
				name,
				kind: 'Native',
				nameservers: [`ns1.${name}`],
			});
			if (response.status !== 201)
				throw new Error(`creating ${name}: ${response.status} ${response.text}`);
		},
		async stop() {
			await stopProcess(server);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
