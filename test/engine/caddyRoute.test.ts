import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { hashSync } from 'bcryptjs';
import type { IDataObject } from 'n8n-workflow';

import { startCaddy, type CaddyServer } from '../support/caddy';
import { makeTestPki } from '../support/certs';
import { runNode, runWorkflow } from '../support/engine';
import { httpCall, startUpstream, type Upstream } from '../support/http';
import { freePort } from '../support/process';
import { describeWithServer } from '../support/servers';

const INGRESS = { __rl: true, mode: 'name', value: 'ingress' };
/** Loopback needs both the switch and the address in the allowed networks. */
const LOOPBACK_NETWORK = '127.0.0.1/32';

const UNMANAGED_ROUTE = {
	'@id': 'hand-made',
	match: [{ host: ['manual.example.com'] }],
	handle: [{ handler: 'static_response', body: 'hand made' }],
	terminal: true,
};

describeWithServer('caddy', 'Caddy Route node against a real Caddy', () => {
	let caddy: CaddyServer;
	let alpha: Upstream;
	let beta: Upstream;
	const credentials = () => ({ caddyAdminApi: { baseUrl: caddy.adminUrl } });
	const upsert = (
		hosts: string,
		upstreams: string,
		extra: IDataObject = {},
		routeOptions: IDataObject = {},
	) =>
		runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'upsert',
				server: INGRESS,
				hosts,
				upstreams,
				allowLoopback: true,
				allowedNetworks: LOOPBACK_NETWORK,
				routeOptions,
				...extra,
			},
			{ credentials: credentials() },
		);

	beforeAll(async () => {
		caddy = await startCaddy([UNMANAGED_ROUTE]);
		alpha = await startUpstream('alpha');
		beta = await startUpstream('beta');
	});

	afterAll(async () => {
		await caddy?.stop();
		await alpha?.close();
		await beta?.close();
	});

	it('publishes a route that serves the upstream through Caddy, switches upstream, and deletes it', async () => {
		const created = await upsert('app.example.com', `127.0.0.1:${alpha.port}`);
		expect(created.error).toBeUndefined();
		expect(created.json[0]).toMatchObject({
			action: 'created',
			changed: true,
			host: 'app.example.com',
			routeId: 'homelab-ingress_app.example.com@ingress',
		});
		const first = await caddy.getWhen('app.example.com', '/hello', (r) => r.status === 200);
		expect(first.status).toBe(200);
		expect(first.body).toBe('alpha /hello');
		expect(first.headers['strict-transport-security']).toContain('max-age=31536000');
		expect(first.headers['x-content-type-options']).toBe('nosniff');

		const again = await upsert('app.example.com', `127.0.0.1:${alpha.port}`);
		expect(again.json[0]).toMatchObject({ action: 'unchanged', changed: false });

		const switched = await upsert('app.example.com', `127.0.0.1:${beta.port}`);
		expect(switched.json[0]).toMatchObject({ action: 'updated', changed: true });
		await caddy.expectServed('app.example.com', '/', 'beta /');

		const deleted = await runNode(
			'caddyRoute',
			{ resource: 'route', operation: 'delete', server: INGRESS, host: 'app.example.com' },
			{ credentials: credentials() },
		);
		expect(deleted.json[0]).toMatchObject({ removed: true, host: 'app.example.com' });
		const after = await caddy.getWhen('app.example.com', '/', (r) => !r.body.includes('beta'));
		expect(after.body).not.toContain('beta');
		await caddy.expectServed('manual.example.com', '/', 'hand made');

		const deletedAgain = await runNode(
			'caddyRoute',
			{ resource: 'route', operation: 'delete', server: INGRESS, host: 'app.example.com' },
			{ credentials: credentials() },
		);
		expect(deletedAgain.json[0]).toMatchObject({ removed: false });
	});

	it('resolves expressions from the input item, as a webhook-driven workflow does', async () => {
		const result = await runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'upsert',
				server: INGRESS,
				hosts: '={{ $json.body.host }}',
				upstreams: '={{ $json.body.upstream }}',
				allowLoopback: true,
				allowedNetworks: LOOPBACK_NETWORK,
				routeOptions: {},
			},
			{
				credentials: credentials(),
				input: [{ body: { host: 'Expr.Example.com', upstream: `127.0.0.1:${alpha.port}` } }],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.json[0].host).toBe('expr.example.com');
		await caddy.expectServed('expr.example.com', '/', 'alpha /');
	});

	it('gets and lists only managed routes, with their settings', async () => {
		await upsert(
			'list.example.com, www.list.example.com',
			`127.0.0.1:${alpha.port}, 127.0.0.1:${beta.port}`,
			{},
			{
				lbPolicy: 'first',
				healthCheckUri: '/health',
				healthCheckInterval: '15s',
				path: '/api/*',
			},
		);
		const got = await runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'get',
				server: INGRESS,
				host: 'list.example.com',
				path: '/api/*',
			},
			{ credentials: credentials() },
		);
		expect(got.json[0]).toMatchObject({
			found: true,
			hosts: ['list.example.com', 'www.list.example.com'],
			upstreams: [`127.0.0.1:${alpha.port}`, `127.0.0.1:${beta.port}`],
			lbPolicy: 'first',
			healthCheckUri: '/health',
			healthCheckInterval: '15s',
			path: '/api/*',
		});
		const missing = await runNode(
			'caddyRoute',
			{ resource: 'route', operation: 'get', server: INGRESS, host: 'nope.example.com' },
			{ credentials: credentials() },
		);
		expect(missing.json[0]).toMatchObject({ found: false });

		const listed = await runNode(
			'caddyRoute',
			{ resource: 'route', operation: 'list', server: INGRESS },
			{ credentials: credentials() },
		);
		const ids = listed.json.map((r) => r.routeId);
		expect(ids.length).toBeGreaterThan(0);
		expect(ids.every((id) => String(id).startsWith('homelab-ingress_'))).toBe(true);
		expect(ids).not.toContain('hand-made');
	});

	it('syncs to the desired list in one change, leaves unmanaged routes alone, and a repeat changes nothing', async () => {
		await upsert('stale.example.com', `127.0.0.1:${alpha.port}`);
		const desired = [
			{ hosts: 'one.example.com', upstreams: `127.0.0.1:${alpha.port}` },
			{ hosts: 'two.example.com', upstreams: `127.0.0.1:${beta.port}` },
			{ hosts: '*.wild.example.com', upstreams: `127.0.0.1:${beta.port}` },
		];
		const sync = (dryRun: boolean) =>
			runNode(
				'caddyRoute',
				{
					resource: 'route',
					operation: 'sync',
					server: INGRESS,
					source: 'json',
					routesJson: JSON.stringify(desired),
					dryRun,
					allowLoopback: true,
					allowedNetworks: LOOPBACK_NETWORK,
				},
				{ credentials: credentials() },
			);

		const before = await caddy.config();
		const preview = await sync(true);
		expect(preview.json[0]).toMatchObject({ dryRun: true, changed: false });
		expect(preview.json[0].added).toEqual(
			expect.arrayContaining([
				'homelab-ingress_one.example.com@ingress',
				'homelab-ingress_two.example.com@ingress',
			]),
		);
		expect(preview.json[0].removed).toContain('homelab-ingress_stale.example.com@ingress');
		expect(await caddy.config()).toBe(before);

		const applied = await sync(false);
		expect(applied.json[0]).toMatchObject({ changed: true });
		await caddy.expectServed('one.example.com', '/', 'alpha /');
		await caddy.expectServed('two.example.com', '/', 'beta /');
		await caddy.expectServed('x.wild.example.com', '/', 'beta /');
		await caddy.expectServed('stale.example.com', '/', '');
		await caddy.expectServed('manual.example.com', '/', 'hand made');

		const settled = await caddy.config();
		const repeat = await sync(false);
		expect(repeat.json[0]).toMatchObject({ changed: false, added: [], updated: [], removed: [] });
		expect(await caddy.config()).toBe(settled);
	});

	it('syncs from input items: each item is one route', async () => {
		const result = await runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'sync',
				server: INGRESS,
				source: 'items',
				hosts: '={{ $json.host }}',
				upstreams: '={{ $json.upstream }}',
				routeOptions: {},
				dryRun: false,
				allowLoopback: true,
				allowedNetworks: LOOPBACK_NETWORK,
			},
			{
				credentials: credentials(),
				input: [
					{ host: 'item-a.example.com', upstream: `127.0.0.1:${alpha.port}` },
					{ host: 'item-b.example.com', upstream: `127.0.0.1:${beta.port}` },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.json).toHaveLength(1);
		await caddy.expectServed('item-b.example.com', '/', 'beta /');
	});

	it('lands 10 parallel upserts of different hosts (If-Match conflicts are retried)', async () => {
		const hosts = Array.from({ length: 10 }, (_, i) => `parallel-${i}.example.com`);
		const results = await Promise.all(hosts.map((host) => upsert(host, `127.0.0.1:${alpha.port}`)));
		for (const result of results) expect(result.error).toBeUndefined();
		for (const host of hosts) await caddy.expectServed(host, '/', 'alpha /');
	});

	it('speaks TLS to the upstream with the right SNI name and refuses a wrong one', async () => {
		const pki = makeTestPki('app.home.arpa');
		const secure = await startUpstream('secure', { key: pki.key, cert: pki.cert });
		try {
			await upsert(
				'tls.example.com',
				`127.0.0.1:${secure.port}`,
				{},
				{ tlsServerName: 'app.home.arpa', tlsCaPem: pki.caPem },
			);
			const good = await caddy.getWhen('tls.example.com', '/', (r) => r.status === 200);
			expect(good.status).toBe(200);
			expect(good.body).toBe('secure /');

			await upsert(
				'tls.example.com',
				`127.0.0.1:${secure.port}`,
				{},
				{ tlsServerName: 'wrong.home.arpa', tlsCaPem: pki.caPem },
			);
			const bad = await caddy.getWhen('tls.example.com', '/', (r) => r.status === 502);
			expect(bad.status).toBe(502);
			expect(bad.body).not.toContain('secure');
		} finally {
			await secure.close();
		}
	});

	it('answers a clear 503 page when home is offline, instead of a bare 502', async () => {
		const closedPort = await freePort();
		await upsert('bare.example.com', `127.0.0.1:${closedPort}`);
		expect((await caddy.getWhen('bare.example.com', '/', (r) => r.status === 502)).status).toBe(
			502,
		);

		await upsert(
			'offline.example.com',
			`127.0.0.1:${closedPort}`,
			{},
			{ offlinePage: true, offlineMessage: 'Home <is> away' },
		);
		const page = await caddy.getWhen('offline.example.com', '/', (r) => r.status === 503);
		expect(page.status).toBe(503);
		expect(page.headers['content-type']).toContain('text/html');
		expect(page.headers['retry-after']).toBe('60');
		expect(page.body).toContain('Home &#60;is&#62; away');
	});

	it('exports the managed routes as a Caddyfile that Caddy itself adapts', async () => {
		await upsert(
			'one.example.com',
			`127.0.0.1:${alpha.port}`,
			{},
			{ path: '/api/*', healthCheckUri: '/health', offlinePage: true },
		);
		await upsert(
			'*.export.example.com',
			`127.0.0.1:${alpha.port}`,
			{},
			{ upstreamTls: true, tlsServerName: 'app.home.arpa' },
		);
		const hash = hashSync('export-password', 10);
		await upsert(
			'guarded.example.com',
			`127.0.0.1:${alpha.port}`,
			{},
			{
				basicAuthUser: 'admin',
				basicAuthHash: hash,
				authBypassPaths: '/api/*',
				ipDeny: '203.0.113.0/24',
				ipAllow: '198.51.100.0/24, 127.0.0.1/32',
			},
		);
		await upsert(
			'sso.example.com',
			`127.0.0.1:${alpha.port}`,
			{},
			{
				forwardAuthUpstream: `127.0.0.1:${beta.port}`,
				forwardAuthUri: '/api/verify?rd=https://sso.example.com',
				forwardAuthCopyHeaders: 'Remote-User, Remote-Groups',
			},
		);
		const result = await runNode(
			'caddyRoute',
			{
				resource: 'server',
				operation: 'exportCaddyfile',
				server: INGRESS,
				binaryPropertyName: 'data',
			},
			{ credentials: credentials() },
		);
		expect(result.error).toBeUndefined();
		const caddyfile = String(result.json[0].caddyfile);
		expect(caddyfile).toContain('reverse_proxy');
		expect(caddyfile).toContain('one.example.com');
		expect(caddyfile).not.toContain('manual.example.com');
		expect(result.items('Node')[0].binary?.data?.fileName).toBe('Caddyfile');

		const adapted = await httpCall(caddy.adminPort, {
			path: '/adapt',
			method: 'POST',
			headers: { 'Content-Type': 'text/caddyfile' },
			body: caddyfile,
		});
		const body = JSON.parse(adapted.body) as { result?: { apps?: object }; error?: string };
		expect(body.error).toBeUndefined();
		expect(adapted.status).toBe(200);
		const adaptedJson = JSON.stringify(body.result);
		expect(adaptedJson).toContain('one.example.com');
		// access control survives the export: a backup restored from it must not open a guarded route
		expect(caddyfile).toContain(`admin ${hash}`);
		expect(adaptedJson).toContain('"http_basic"');
		expect(adaptedJson).toContain(JSON.stringify(hash));
		expect(adaptedJson).toContain('"203.0.113.0/24"');
		expect(adaptedJson).toContain('"198.51.100.0/24"');
		expect(adaptedJson).toContain('/api/verify?rd=https://sso.example.com');
		expect(adaptedJson).toContain('Remote-Groups');
	});

	it('ensures a server: creates it when absent and leaves an existing one as it is', async () => {
		const port = await freePort();
		const ensure = (listen: string) =>
			runNode(
				'caddyRoute',
				{
					resource: 'server',
					operation: 'ensure',
					serverName: 'extra',
					listen,
					automaticHttps: false,
				},
				{ credentials: credentials() },
			);
		const created = await ensure(`127.0.0.1:${port}`);
		expect(created.json[0]).toMatchObject({ created: true, server: 'extra' });
		const before = await caddy.config();
		const existing = await ensure('127.0.0.1:1');
		expect(existing.json[0]).toMatchObject({ created: false, listen: [`127.0.0.1:${port}`] });
		expect(await caddy.config()).toBe(before);
	});

	describe('bad input fails before any change and names the field', () => {
		const cases: Array<[string, string, string, IDataObject, string]> = [
			['invalid hostname', 'bad_host.example.com', '127.0.0.1:{alpha}', {}, 'Hostnames'],
			['wildcard not leftmost', 'app.*.example.com', '127.0.0.1:{alpha}', {}, 'Hostnames'],
			['label too long', `${'a'.repeat(64)}.example.com`, '127.0.0.1:{alpha}', {}, 'Hostnames'],
			['upstream without port', 'ok.example.com', 'home.lan', {}, 'Upstreams'],
			['port out of range', 'ok.example.com', '10.0.0.1:70000', {}, 'Upstreams'],
			['upstream with scheme', 'ok.example.com', 'http://10.0.0.1:80', {}, 'Upstreams'],
			['metadata address', 'ok.example.com', '169.254.169.254:80', {}, 'link-local'],
			['admin endpoint', 'ok.example.com', '127.0.0.1:{admin}', {}, 'admin API'],
			['admin by name', 'ok.example.com', 'localhost:{admin}', {}, 'admin API'],
			[
				'loopback without the option',
				'ok.example.com',
				'127.0.0.1:{alpha}',
				{ allowLoopback: false },
				'loopback',
			],
			[
				'excluded host',
				'media.example.com',
				'10.0.0.1:8096',
				{ excludedHosts: 'media.example.com' },
				'exclusion list',
			],
			[
				'excluded by wildcard',
				'tv.direct.example.com',
				'10.0.0.1:80',
				{ excludedHosts: '*.direct.example.com' },
				'exclusion list',
			],
			['CR/LF in host', 'ok.example.com\r\nX: y', '10.0.0.1:80', {}, 'Hostnames'],
		];
		it.each(cases)('%s', async (_label, hosts, upstreams, extra, expected) => {
			const before = await caddy.config();
			const result = await upsert(
				hosts,
				upstreams
					.replace('{alpha}', String(alpha.port))
					.replace('{admin}', String(caddy.adminPort)),
				extra,
			);
			expect(result.error).toBeDefined();
			expect(result.error?.message).toContain(expected);
			expect(await caddy.config()).toBe(before);
		});

		it('a bad route in a sync list rejects the whole sync', async () => {
			const before = await caddy.config();
			const result = await runNode(
				'caddyRoute',
				{
					resource: 'route',
					operation: 'sync',
					server: INGRESS,
					source: 'json',
					routesJson: JSON.stringify([
						{ hosts: 'fine.example.com', upstreams: '10.0.0.1:80' },
						{ hosts: 'x..y', upstreams: '10.0.0.1:80' },
					]),
					dryRun: false,
				},
				{ credentials: credentials() },
			);
			expect(result.error?.message).toContain('Hostnames');
			expect(await caddy.config()).toBe(before);
		});

		it('with Continue On Fail, a bad item becomes an error item and the good one still lands', async () => {
			const result = await runWorkflow({
				nodes: [
					{
						name: 'Caddy',
						type: 'caddyRoute',
						onError: 'continueRegularOutput',
						parameters: {
							resource: 'route',
							operation: 'upsert',
							server: INGRESS,
							hosts: '={{ $json.host }}',
							upstreams: `127.0.0.1:${alpha.port}`,
							allowLoopback: true,
							allowedNetworks: LOOPBACK_NETWORK,
							routeOptions: {},
						},
					},
				],
				input: [{ host: 'not_a_host!' }, { host: 'good-item.example.com' }],
				credentials: credentials(),
			});
			const out = result.output('Caddy');
			expect(out[0].error).toContain('Hostnames');
			expect(out[1]).toMatchObject({ action: 'created' });
			expect(result.items('Caddy').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		});
	});

	it("reports Caddy's own error message and leaves the config unchanged", async () => {
		const before = await caddy.config();
		const result = await runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'upsert',
				server: { __rl: true, mode: 'name', value: 'missing' },
				hosts: 'a.example.com',
				upstreams: '100.64.0.1:80',
				routeOptions: {},
			},
			{ credentials: credentials() },
		);
		expect(result.error?.message).toContain('no HTTP server named "missing"');
		expect(await caddy.config()).toBe(before);
	});
});

describe('Caddy Route node with Caddy unreachable or behind an authenticating proxy', () => {
	it('a Caddy with no HTTP app at all: the node says to run Ensure, and Ensure sets it up', async () => {
		const bare = await startCaddy([], { withServer: false });
		try {
			const upstream = await startUpstream('bare');
			const credentials = { caddyAdminApi: { baseUrl: bare.adminUrl } };
			const publish = () =>
				runNode(
					'caddyRoute',
					{
						resource: 'route',
						operation: 'upsert',
						server: INGRESS,
						hosts: 'bare.example.com',
						upstreams: `127.0.0.1:${upstream.port}`,
						allowLoopback: true,
						allowedNetworks: LOOPBACK_NETWORK,
						routeOptions: {},
					},
					{ credentials },
				);
			const refused = await publish();
			expect(refused.error?.message).toContain(
				'no HTTP server named "ingress"; run Server → Ensure',
			);
			const ensured = await runNode(
				'caddyRoute',
				{
					resource: 'server',
					operation: 'ensure',
					serverName: 'ingress',
					listen: `127.0.0.1:${bare.httpPort}`,
					automaticHttps: false,
				},
				{ credentials },
			);
			expect(ensured.error).toBeUndefined();
			expect(ensured.json[0]).toMatchObject({ created: true, adminOriginEnforced: true });
			expect((await publish()).json[0]).toMatchObject({ action: 'created' });
			expect((await bare.get('bare.example.com', '/hi')).body).toBe('bare /hi');
			await upstream.close();
		} finally {
			await bare.stop();
		}
	});

	it('fails with a clear error when nothing listens on the admin URL', async () => {
		const port = await freePort();
		const result = await runNode(
			'caddyRoute',
			{ resource: 'route', operation: 'list', server: INGRESS },
			{ credentials: { caddyAdminApi: { baseUrl: `http://127.0.0.1:${port}` } } },
		);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toContain(
			`Caddy admin API unreachable at http://127.0.0.1:${port}`,
		);
		expect(result.error?.description).toContain('ECONNREFUSED');
	});

	it('a web page at the admin URL is an upstream error naming what was asked, for every route operation', async () => {
		const server = createServer((_req, res) => {
			res.setHeader('Content-Type', 'text/html');
			res.end('<html><body>Sign in</body></html>');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const port = (server.address() as AddressInfo).port;
			const operations: IDataObject[] = [
				{ operation: 'upsert', hosts: 'a.example.com', upstreams: '127.0.0.1:9', routeOptions: {} },
				{ operation: 'delete', host: 'a.example.com', path: '' },
				{ operation: 'get', host: 'a.example.com', path: '' },
				{ operation: 'list' },
				{ operation: 'health' },
				{
					operation: 'sync',
					source: 'json',
					routesJson: '[{"hosts":"a.example.com","upstreams":"127.0.0.1:9"}]',
					dryRun: false,
				},
			];
			for (const parameters of operations) {
				const result = await runNode(
					'caddyRoute',
					{
						resource: 'route',
						server: INGRESS,
						allowLoopback: true,
						allowedNetworks: LOOPBACK_NETWORK,
						...parameters,
					},
					{
						credentials: { caddyAdminApi: { baseUrl: `http://127.0.0.1:${port}` } },
						onError: 'continueRegularOutput',
					},
				);
				expect(result.json[0]).toMatchObject({
					error: expect.stringMatching(/^Caddy answered \/\S+ with something that is not JSON$/),
					details: { errorKind: 'upstream' },
				});
			}
		} finally {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});

	it("sends the credential's auth header through the credential type's authenticate", async () => {
		const seen: IncomingHttpHeaders[] = [];
		const server = createServer((req, res) => {
			seen.push(req.headers);
			res.setHeader('Content-Type', 'application/json');
			res.end('null\n');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const port = (server.address() as AddressInfo).port;
			const result = await runNode(
				'caddyRoute',
				{ resource: 'route', operation: 'list', server: INGRESS },
				{
					credentials: {
						caddyAdminApi: {
							baseUrl: `http://127.0.0.1:${port}/`,
							headerName: 'X-Admin-Token',
							headerSecret: 's3cret',
						},
					},
				},
			);
			expect(result.error).toBeUndefined();
			expect(seen[0]['x-admin-token']).toBe('s3cret');
		} finally {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});

	it('a stopped Caddy gives a NodeApiError naming the admin URL', async () => {
		const caddy = await startCaddy();
		const adminUrl = caddy.adminUrl;
		await caddy.stop();
		const result = await runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'upsert',
				server: INGRESS,
				hosts: 'a.example.com',
				upstreams: '100.64.0.1:80',
				routeOptions: {},
			},
			{ credentials: { caddyAdminApi: { baseUrl: adminUrl } } },
		);
		expect(result.error?.message).toContain(`Caddy admin API unreachable at ${adminUrl}`);
		await expect(httpCall(caddy.httpPort)).rejects.toThrow();
	});
});
