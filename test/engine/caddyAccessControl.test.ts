/**
 * Access control at the edge (issue: Caddy Route v2), against a real Caddy: forward auth to a loopback
 * auth server that answers 200 or 401 per request, path bypasses, and IP allow/deny lists.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';

import type { IDataObject } from 'n8n-workflow';

import { startCaddy, type CaddyServer } from '../support/caddy';
import { runNode } from '../support/engine';
import { httpCall } from '../support/http';
import { freePort } from '../support/process';
import { describeWithServer } from '../support/servers';

const INGRESS = { __rl: true, mode: 'name', value: 'ingress' };
const LOOPBACK = { allowLoopback: true, allowedNetworks: '127.0.0.1/32' };

interface Recorder {
	port: number;
	seen: Array<{ url: string; method: string; headers: IncomingHttpHeaders }>;
	close(): Promise<void>;
}

/** A loopback server that records every request and answers with `answer(request)`. */
interface Answer {
	status: number;
	headers?: Record<string, string>;
	body: string;
}

async function recorder(answer: (headers: IncomingHttpHeaders) => Answer): Promise<Recorder> {
	const seen: Recorder['seen'] = [];
	const server: Server = createServer((req, res) => {
		seen.push({ url: req.url ?? '', method: req.method ?? '', headers: req.headers });
		const { status, headers, body } = answer(req.headers);
		res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
		res.end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as AddressInfo).port,
		seen,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

describeWithServer('caddy', 'Caddy Route access control against a real Caddy', () => {
	let caddy: CaddyServer;
	let auth: Recorder;
	let home: Recorder;
	const credentials = () => ({ caddyAdminApi: { baseUrl: caddy.adminUrl } });
	const publish = async (host: string, routeOptions: IDataObject) => {
		const result = await runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'upsert',
				server: INGRESS,
				hosts: host,
				upstreams: `127.0.0.1:${home.port}`,
				routeOptions,
				...LOOPBACK,
			},
			{ credentials: credentials() },
		);
		expect(result.error).toBeUndefined();
		return result.json[0];
	};

	beforeAll(async () => {
		caddy = await startCaddy();
		auth = await recorder((headers): Answer =>
			headers.authorization === 'Bearer good'
				? {
						status: 200,
						headers: { 'Remote-User': 'alice', 'Remote-Groups': 'admins' },
						body: 'ok',
					}
				: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, body: 'login required' },
		);
		home = await recorder((headers) => ({
			status: 200,
			body: `home user=${String(headers['remote-user'] ?? '-')} groups=${String(headers['remote-groups'] ?? '-')}`,
		}));
	});

	afterAll(async () => {
		await caddy?.stop();
		await auth?.close();
		await home?.close();
	});

	it('asks the auth server first: 401 stays with the visitor, 200 goes home with the copied headers', async () => {
		await publish('sso.example.com', {
			forwardAuthUpstream: `127.0.0.1:${auth.port}`,
			forwardAuthUri: '/api/verify?rd=https://auth.example.com',
			forwardAuthCopyHeaders: 'Remote-User, Remote-Groups',
			authBypassPaths: '/api/*',
			offlinePage: true,
		});
		const homeBefore = home.seen.length;
		const denied = await caddy.requestWhen(
			{ host: 'sso.example.com', path: '/private?x=1' },
			(r) => r.status === 401,
		);
		expect(denied.status).toBe(401);
		expect(denied.body).toBe('login required');
		expect(home.seen.length).toBe(homeBefore);
		const check = auth.seen[auth.seen.length - 1];
		expect(check.method).toBe('GET');
		expect(check.url).toBe('/api/verify?rd=https://auth.example.com');
		expect(check.headers['x-forwarded-method']).toBe('GET');
		expect(check.headers['x-forwarded-uri']).toBe('/private?x=1');
		expect(check.headers['x-forwarded-host']).toBe('sso.example.com');
		expect(check.headers['x-forwarded-proto']).toBe('http');
		expect(check.headers['x-forwarded-for']).toBe('127.0.0.1');

		const allowed = await httpCall(caddy.httpPort, {
			host: 'sso.example.com',
			path: '/private',
			// a visitor may not vouch for itself: its own Remote-User is dropped
			headers: { Authorization: 'Bearer good', 'Remote-User': 'mallory' },
		});
		expect(allowed.status).toBe(200);
		expect(allowed.body).toBe('home user=alice groups=admins');
	});

	it('lets bypassed paths through without asking, and never with a visitor-supplied identity', async () => {
		const checks = auth.seen.length;
		const api = await httpCall(caddy.httpPort, {
			host: 'sso.example.com',
			path: '/api/items',
			headers: { 'Remote-User': 'mallory' },
		});
		expect(api.status).toBe(200);
		expect(api.body).toBe('home user=- groups=-');
		expect(auth.seen.length).toBe(checks);
	});

	it('answers 403 to denied addresses and to addresses outside an allow list', async () => {
		await publish('denied.example.com', { ipDeny: '127.0.0.1' });
		const denied = await caddy.getWhen('denied.example.com', '/', (r) => r.status === 403);
		expect(denied.status).toBe(403);
		await publish('allow-other.example.com', { ipAllow: '100.64.0.0/10' });
		const other = await caddy.getWhen('allow-other.example.com', '/', (r) => r.status === 403);
		expect(other.status).toBe(403);
		await publish('allow-me.example.com', { ipAllow: '127.0.0.0/8', ipDeny: '127.0.0.2' });
		const ok = await caddy.getWhen('allow-me.example.com', '/', (r) => r.status === 200);
		expect(ok.status).toBe(200);
		expect(ok.body).toContain('home');
	});

	it('checks the auth endpoint like an upstream: outside the allowed networks it is refused', async () => {
		const result = await runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'upsert',
				server: INGRESS,
				hosts: 'sso2.example.com',
				upstreams: `127.0.0.1:${home.port}`,
				routeOptions: { forwardAuthUpstream: '169.254.169.254:80' },
				...LOOPBACK,
			},
			{ credentials: credentials() },
		);
		expect(result.error?.message).toMatch(/Forward Auth Endpoint.*link-local/);
	});

	it('with TLS 1.3 Only, refuses TLS 1.2 clients and serves TLS 1.3 ones', async () => {
		// Certificates from Caddy's internal CA (never ACME here), no trust-store install, no port 80.
		const httpPort = await freePort();
		const httpsPort = await freePort();
		expect((await caddy.admin('POST', '/config/apps/http/http_port', httpPort)).status).toBe(200);
		expect((await caddy.admin('POST', '/config/apps/http/https_port', httpsPort)).status).toBe(200);
		const tlsApp = { automation: { policies: [{ issuers: [{ module: 'internal' }] }] } };
		expect((await caddy.admin('POST', '/config/apps/tls', tlsApp)).status).toBe(200);
		const pki = { certificate_authorities: { local: { install_trust: false } } };
		expect((await caddy.admin('POST', '/config/apps/pki', pki)).status).toBe(200);
		const ensure = (tls13Only: boolean) =>
			runNode(
				'caddyRoute',
				{
					resource: 'server',
					operation: 'ensure',
					serverName: 'secure',
					listen: `127.0.0.1:${httpsPort}`,
					automaticHttps: true,
					tls13Only,
				},
				{ credentials: credentials() },
			);
		const created = await ensure(false);
		expect(created.json[0]).toMatchObject({ created: true, tls13Only: false });
		const published = await runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'upsert',
				server: { __rl: true, mode: 'name', value: 'secure' },
				hosts: 'tls.example.com',
				upstreams: `127.0.0.1:${home.port}`,
				routeOptions: {},
				...LOOPBACK,
			},
			{ credentials: credentials() },
		);
		expect(published.error).toBeUndefined();
		const handshake = (maxVersion: 'TLSv1.2' | 'TLSv1.3') =>
			new Promise<string>((resolve) => {
				const socket = connect({
					host: '127.0.0.1',
					port: httpsPort,
					servername: 'tls.example.com',
					rejectUnauthorized: false,
					maxVersion,
					timeout: 5_000,
				});
				socket.once('secureConnect', () => {
					resolve(String(socket.getProtocol()));
					socket.end();
				});
				socket.once('timeout', () => socket.destroy(new Error('timeout')));
				socket.once('error', (error: NodeJS.ErrnoException) =>
					resolve(`refused: ${error.code ?? error.message}`),
				);
			});
		// Caddy's default accepts TLS 1.2 (once its internal CA has issued the certificate) ...
		let first = '';
		for (let attempt = 0; attempt < 50 && first !== 'TLSv1.2'; attempt++) {
			first = await handshake('TLSv1.2');
			if (first !== 'TLSv1.2') await new Promise((resolve) => setTimeout(resolve, 200));
		}
		expect(first).toBe('TLSv1.2');
		// ... until the server is ensured with TLS 1.3 only (an existing server converges)
		const hardened = await ensure(true);
		expect(hardened.json[0]).toMatchObject({ created: false, tls13Only: true, tlsChanged: true });
		expect((await ensure(true)).json[0]).toMatchObject({ tlsChanged: false });
		expect(await handshake('TLSv1.2')).toMatch(/^refused/);
		expect(await handshake('TLSv1.3')).toBe('TLSv1.3');
	});
});
