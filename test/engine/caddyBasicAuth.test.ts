/**
 * Basic auth per route (issue 14, part 1), against a real Caddy: the visitor's login is checked by
 * Caddy against a bcrypt hash; a plain password given to the node never reaches Caddy, the output or
 * an error; re-runs with the same password change nothing.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import bcrypt from 'bcryptjs';
import type { IDataObject } from 'n8n-workflow';

import { startCaddy, type CaddyServer } from '../support/caddy';
import { runNode } from '../support/engine';
import { httpCall } from '../support/http';
import { describeWithServer } from '../support/servers';

const INGRESS = { __rl: true, mode: 'name', value: 'ingress' };
const LOOPBACK = { allowLoopback: true, allowedNetworks: '127.0.0.1/32' };
const PASSWORD = 'Plain-Pa55word-at-the-edge';
const basic = (user: string, password: string) =>
	`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface Home {
	port: number;
	seen: IncomingHttpHeaders[];
	close(): Promise<void>;
}

/** The home service: answers 200 and records the headers it was sent. */
async function startHome(): Promise<Home> {
	const seen: IncomingHttpHeaders[] = [];
	const server: Server = createServer((req, res) => {
		seen.push(req.headers);
		res.writeHead(200, { 'Content-Type': 'text/plain' });
		res.end(`home ${req.url ?? ''}`);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as AddressInfo).port,
		seen,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

describeWithServer('caddy', 'Caddy Route basic auth against a real Caddy', () => {
	let caddy: CaddyServer;
	let home: Home;
	const credentials = () => ({ caddyAdminApi: { baseUrl: caddy.adminUrl } });
	const run = async (operation: string, parameters: IDataObject) =>
		await runNode(
			'caddyRoute',
			{ resource: 'route', operation, server: INGRESS, ...LOOPBACK, ...parameters },
			{ credentials: credentials() },
		);
	const publish = async (host: string, routeOptions: IDataObject) =>
		await run('upsert', { hosts: host, upstreams: `127.0.0.1:${home.port}`, routeOptions });

	beforeAll(async () => {
		caddy = await startCaddy();
		home = await startHome();
	});

	afterAll(async () => {
		await caddy?.stop();
		await home?.close();
	});

	it('asks for the login: none or a wrong one gets 401, the right one reaches home without it', async () => {
		const result = await publish('family.example.com', {
			basicAuthUser: 'family',
			basicAuthPassword: PASSWORD,
			authBypassPaths: '/public/*',
			offlinePage: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({ action: 'created', changed: true });

		const anonymous = await caddy.getWhen('family.example.com', '/', (r) => r.status === 401);
		expect(anonymous.status).toBe(401);
		expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm=/);
		const wrong = await httpCall(caddy.httpPort, {
			host: 'family.example.com',
			headers: { Authorization: basic('family', `${PASSWORD}x`) },
		});
		expect(wrong.status).toBe(401);
		const otherUser = await httpCall(caddy.httpPort, {
			host: 'family.example.com',
			headers: { Authorization: basic('mallory', PASSWORD) },
		});
		expect(otherUser.status).toBe(401);

		const seenBefore = home.seen.length;
		const right = await httpCall(caddy.httpPort, {
			host: 'family.example.com',
			path: '/photos',
			headers: { Authorization: basic('family', PASSWORD) },
		});
		expect(right.status).toBe(200);
		expect(right.body).toBe('home /photos');
		expect(home.seen.length).toBe(seenBefore + 1);
		// the password does not travel home
		expect(home.seen[home.seen.length - 1].authorization).toBeUndefined();
	});

	it('lets bypassed paths through without a login, with their own Authorization header', async () => {
		const open = await httpCall(caddy.httpPort, {
			host: 'family.example.com',
			path: '/public/feed',
			headers: { Authorization: 'Bearer api-token' },
		});
		expect(open.status).toBe(200);
		expect(open.body).toBe('home /public/feed');
		expect(home.seen[home.seen.length - 1].authorization).toBe('Bearer api-token');
		expect(
			(await httpCall(caddy.httpPort, { host: 'family.example.com', path: '/private' })).status,
		).toBe(401);
	});

	it('writes only a bcrypt hash: the plain password is in neither the output nor Caddy', async () => {
		const config = await caddy.config();
		expect(config).not.toContain(PASSWORD);
		const hash = /"password":"(\$2b\$12\$[^"]+)"/.exec(config)?.[1];
		expect(hash).toBeDefined();
		expect(await bcrypt.compare(PASSWORD, hash!)).toBe(true);

		const again = await publish('family.example.com', {
			basicAuthUser: 'family',
			basicAuthPassword: PASSWORD,
			authBypassPaths: '/public/*',
			offlinePage: true,
		});
		expect(JSON.stringify(again.json)).not.toContain(PASSWORD);
		expect(JSON.stringify(again.run)).not.toContain(PASSWORD);

		const got = await run('get', { host: 'family.example.com' });
		expect(got.json[0]).toMatchObject({ found: true, access: { basicAuth: { user: 'family' } } });
		expect(JSON.stringify(got.json)).not.toMatch(/\$2b\$|Pa55word/);
	});

	it('re-running with the same password is unchanged; a new password replaces the hash', async () => {
		const options = {
			basicAuthUser: 'family',
			basicAuthPassword: PASSWORD,
			authBypassPaths: '/public/*',
			offlinePage: true,
		};
		const before = await caddy.config();
		const again = await publish('family.example.com', options);
		expect(again.json[0]).toMatchObject({ action: 'unchanged', changed: false });
		expect(await caddy.config()).toBe(before);

		const changed = await publish('family.example.com', {
			...options,
			basicAuthPassword: 'a-new-password',
		});
		expect(changed.json[0]).toMatchObject({ action: 'updated', changed: true });
		const old = await caddy.requestWhen(
			{ host: 'family.example.com', headers: { Authorization: basic('family', PASSWORD) } },
			(r) => r.status === 401,
		);
		expect(old.status).toBe(401);
		const renewed = await httpCall(caddy.httpPort, {
			host: 'family.example.com',
			headers: { Authorization: basic('family', 'a-new-password') },
		});
		expect(renewed.status).toBe(200);
	});

	it('takes a ready bcrypt hash ($2y$ as htpasswd -B writes it) as it is', async () => {
		const hash = (await bcrypt.hash('hashed-elsewhere', 10)).replace(/^\$2b\$/, '$2y$');
		const result = await publish('hashed.example.com', {
			basicAuthUser: 'ops@example.com',
			basicAuthHash: hash,
		});
		expect(result.error).toBeUndefined();
		expect(await caddy.config()).toContain(hash);
		const ok = await caddy.requestWhen(
			{
				host: 'hashed.example.com',
				headers: { Authorization: basic('ops@example.com', 'hashed-elsewhere') },
			},
			(r) => r.status === 200,
		);
		expect(ok.status).toBe(200);
	});

	it('Sync hashes plain passwords once: a repeated identical sync changes nothing', async () => {
		const sync = async () =>
			await run('sync', {
				source: 'json',
				routesJson: JSON.stringify([
					{
						hosts: 'synced.example.com',
						upstreams: `127.0.0.1:${home.port}`,
						basicAuthUser: 'family',
						basicAuthPassword: PASSWORD,
					},
				]),
				dryRun: false,
			});
		const first = await sync();
		expect(first.error).toBeUndefined();
		expect(first.json[0]).toMatchObject({ changed: true, added: [expect.any(String)] });
		const config = await caddy.config();
		expect(config).not.toContain(PASSWORD);
		const second = await sync();
		expect(second.json[0]).toMatchObject({ changed: false, unchanged: [expect.any(String)] });
		expect(await caddy.config()).toBe(config);
		const ok = await caddy.requestWhen(
			{ host: 'synced.example.com', headers: { Authorization: basic('family', PASSWORD) } },
			(r) => r.status === 200,
		);
		expect(ok.status).toBe(200);
	});

	describe('refuses bad logins before any admin call', () => {
		let admin: { port: number; requests: number; close(): Promise<void> };

		beforeAll(async () => {
			const counter = { requests: 0 };
			const server = createServer((_req, res) => {
				counter.requests++;
				res.writeHead(500).end();
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			admin = {
				port: (server.address() as AddressInfo).port,
				get requests() {
					return counter.requests;
				},
				close: () => new Promise<void>((resolve) => server.close(() => resolve())),
			};
		});

		afterAll(async () => await admin?.close());

		it.each([
			[
				'a password over 72 bytes',
				{ basicAuthUser: 'family', basicAuthPassword: `${PASSWORD}${'é'.repeat(30)}` },
				/Basic Auth Password.*72/,
			],
			[
				'a hash that is not bcrypt',
				{ basicAuthUser: 'family', basicAuthHash: `$2b$12$${'a'.repeat(52)}` },
				/Basic Auth Hash/,
			],
			[
				'a plain password in the hash field',
				{ basicAuthUser: 'family', basicAuthHash: PASSWORD },
				/Basic Auth Hash/,
			],
			[
				'a user with a colon',
				{ basicAuthUser: 'fam:ily', basicAuthPassword: PASSWORD },
				/Basic Auth User/,
			],
			[
				'both a password and a hash',
				{
					basicAuthUser: 'family',
					basicAuthPassword: PASSWORD,
					basicAuthHash: '$2b$10$' + 'a'.repeat(21) + 'O' + 'a'.repeat(31),
				},
				/Basic Auth Password.*Basic Auth Hash/,
			],
			[
				'basic auth and forward auth together',
				{
					basicAuthUser: 'family',
					basicAuthPassword: PASSWORD,
					forwardAuthUpstream: '127.0.0.1:9',
				},
				/Basic Auth User.*Forward Auth Endpoint/,
			],
		])('%s', async (_case, routeOptions, message) => {
			const result = await runNode(
				'caddyRoute',
				{
					resource: 'route',
					operation: 'upsert',
					server: INGRESS,
					hosts: 'bad.example.com',
					upstreams: '127.0.0.1:8080',
					routeOptions,
					...LOOPBACK,
				},
				{
					credentials: { caddyAdminApi: { baseUrl: `http://127.0.0.1:${admin.port}` } },
					onError: 'continueRegularOutput',
				},
			);
			const [item] = result.json as Array<{ error: string; details: IDataObject }>;
			expect(item.error).toMatch(message);
			expect(item.details.errorKind).toMatch(/^(input|tooLarge)$/);
			expect(JSON.stringify(result.json)).not.toContain(PASSWORD);
			expect(admin.requests).toBe(0);
		});
	});
});
