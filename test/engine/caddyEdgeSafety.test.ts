/**
 * The edge's safety model (ARCHITECTURE.md §6) against a real Caddy and a DNS server this test runs on
 * loopback: allowed upstream networks, names resolved once and pinned (DNS rebinding), public route
 * hosts only, ownership of hand-made hosts, bounded input, and the admin endpoint's origin enforcement.
 * No request is ever sent through a route to a non-loopback address: pinned routes are checked in the
 * config Caddy holds.
 */
import type { IDataObject } from 'n8n-workflow';

import { startCaddy, type CaddyServer } from '../support/caddy';
import { startTestDns, type TestDns } from '../support/dns';
import { runNode } from '../support/engine';
import { httpCall, startUpstream, type Upstream } from '../support/http';
import { describeWithServer } from '../support/servers';

jest.setTimeout(30_000);

const INGRESS = { __rl: true, mode: 'name', value: 'ingress' };

const HAND_MADE = [
	{
		'@id': 'hand-made-2',
		match: [{ host: ['handmade2.example.com'] }],
		handle: [{ handler: 'static_response', body: 'hand made 2' }],
		terminal: true,
	},
	{
		match: [{ host: ['*.wild-hand.example.com'] }],
		handle: [{ handler: 'static_response', body: 'hand made wildcard' }],
		terminal: true,
	},
];

describeWithServer('caddy', 'Caddy Route edge safety against a real Caddy', () => {
	let caddy: CaddyServer;
	let dns: TestDns;
	let home: Upstream;
	const credentials = () => ({ caddyAdminApi: { baseUrl: caddy.adminUrl } });
	const upsert = (
		hosts: IDataObject[string],
		upstreams: IDataObject[string],
		settings: IDataObject = {},
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
				routeOptions,
				...settings,
			},
			{ credentials: credentials(), onError: 'continueRegularOutput' },
		);
	const remove = (host: string) =>
		runNode(
			'caddyRoute',
			{ resource: 'route', operation: 'delete', server: INGRESS, host },
			{ credentials: credentials(), onError: 'continueRegularOutput' },
		);
	/** Runs `change`, expects it to fail with `kind`, and Caddy's config to be exactly as before. */
	const refusedUnchanged = async (
		change: () => Promise<{ json: IDataObject[] }>,
		kind: string,
		reason: RegExp,
	) => {
		const before = await caddy.config();
		const result = await change();
		expect(result.json[0]).toMatchObject({
			error: expect.stringMatching(reason),
			details: { errorKind: kind },
		});
		expect(String(result.json[0].error).length).toBeLessThan(500);
		expect(await caddy.config()).toBe(before);
		return result.json[0];
	};
	const dialsOf = async (routeId: string): Promise<string[]> => {
		const response = await caddy.admin('GET', `/id/${routeId}`);
		const text = response.body;
		return [...text.matchAll(/"dial":"([^"]+)"/g)].map((m) => m[1]);
	};

	beforeAll(async () => {
		caddy = await startCaddy(HAND_MADE);
		dns = await startTestDns();
		dns.useForThisProcess();
		home = await startUpstream('home');
	});

	afterAll(async () => {
		await dns?.close();
		await home?.close();
		await caddy?.stop();
	});

	describe('allowed upstream networks', () => {
		it('accepts tailnet addresses by default and refuses everything else', async () => {
			const ok = await upsert('tailnet.example.com', '100.64.7.8:8080, [fd7a:115c:a1e0::9]:8080');
			expect(ok.json[0]).toMatchObject({
				action: 'created',
				dials: ['100.64.7.8:8080', '[fd7a:115c:a1e0::9]:8080'],
			});
			for (const upstream of [
				'10.0.0.5:80',
				'192.168.1.10:80',
				'203.0.113.7:80',
				'[2001:db8::1]:80',
				'100.128.0.1:80',
			]) {
				await refusedUnchanged(
					() => upsert('lan.example.com', upstream),
					'input',
					/outside the allowed upstream networks/,
				);
			}
		});

		it('accepts a user-added subnet, but never loopback, metadata or unspecified inside a listed range', async () => {
			const settings = { allowedNetworks: '10.0.0.0/24, 0.0.0.0/0, ::/0' };
			const ok = await upsert('wg.example.com', '10.0.0.5:8080', settings);
			expect(ok.json[0]).toMatchObject({ action: 'created' });
			for (const [upstream, reason] of [
				['127.0.0.1:8080', /loopback/],
				['[::1]:8080', /loopback/],
				['[::ffff:127.0.0.1]:8080', /loopback/],
				['[::ffff:7f00:1]:8080', /loopback/],
				['169.254.169.254:80', /link-local or cloud metadata/],
				['[fd00:ec2::254]:80', /link-local or cloud metadata/],
				['0.0.0.0:8080', /unspecified/],
				['0.1.2.3:8080', /unspecified/],
				['[::]:8080', /unspecified/],
				['224.0.0.1:8080', /not a unicast/],
			] as const) {
				await refusedUnchanged(
					() => upsert('wide.example.com', upstream, settings),
					'input',
					reason,
				);
			}
		});

		it('accepts loopback only with the switch on and the address listed', async () => {
			const upstream = `127.0.0.1:${home.port}`;
			await refusedUnchanged(() => upsert('loop.example.com', upstream), 'input', /loopback/);
			await refusedUnchanged(
				() => upsert('loop.example.com', upstream, { allowLoopback: true }),
				'input',
				/outside the allowed upstream networks/,
			);
			await refusedUnchanged(
				() => upsert('loop.example.com', upstream, { allowedNetworks: '127.0.0.0/8' }),
				'input',
				/loopback/,
			);
			const settings = { allowLoopback: true, allowedNetworks: '127.0.0.1/32' };
			expect((await upsert('loop.example.com', upstream, settings)).json[0]).toMatchObject({
				action: 'created',
			});
			await caddy.expectServed('loop.example.com', '/ok', 'home /ok');
			await refusedUnchanged(
				() => upsert('loop2.example.com', `127.0.0.2:${home.port}`, settings),
				'input',
				/outside the allowed upstream networks/,
			);
		});

		it('refuses the admin API even with loopback allowed, by address, by name and by mapped address', async () => {
			const settings = { allowLoopback: true };
			for (const upstream of [
				`127.0.0.1:${caddy.adminPort}`,
				`localhost:${caddy.adminPort}`,
				`[::ffff:127.0.0.1]:${caddy.adminPort}`,
				`127.0.0.2:${caddy.adminPort}`,
			]) {
				await refusedUnchanged(
					() => upsert('admin.example.com', upstream, settings),
					'input',
					/admin API/,
				);
			}
		});

		it('refuses these settings when they are expressions, so webhook data cannot widen them', async () => {
			for (const settings of [
				{ allowedNetworks: '={{ $json.networks }}' },
				{ allowLoopback: '={{ true }}' },
				{ adoptUnmanaged: '={{ $json.adopt }}' },
			]) {
				await refusedUnchanged(
					() => upsert('expr.example.com', '100.64.0.9:80', settings),
					'input',
					/not by an expression/,
				);
			}
		});
	});

	describe('names are resolved once by the node and pinned', () => {
		it('pins a rebinding name to the checked address: re-pointing it later does not move the route', async () => {
			dns.set('rebind.test', { a: ['100.64.1.2'] });
			const published = await upsert('rebind.example.com', `rebind.test:${caddy.adminPort}`);
			expect(published.json[0]).toMatchObject({
				action: 'created',
				upstreams: [`rebind.test:${caddy.adminPort}`],
			});
			const routeId = String(published.json[0].routeId);
			expect(await dialsOf(routeId)).toEqual([`100.64.1.2:${caddy.adminPort}`]);
			expect(await caddy.config()).not.toContain(`"dial":"rebind.test`);

			dns.set('rebind.test', { a: ['127.0.0.1'] });
			expect(await dialsOf(routeId)).toEqual([`100.64.1.2:${caddy.adminPort}`]);
			// and a name now pointing at loopback on another port is refused as loopback
			dns.set('rebind2.test', { a: ['127.0.0.1'] });
			await refusedUnchanged(
				() => upsert('rebind2.example.com', 'rebind2.test:8080'),
				'input',
				/loopback/,
			);
			// re-publishing re-resolves, and the new answer is refused
			await refusedUnchanged(
				() => upsert('rebind.example.com', `rebind.test:${caddy.adminPort}`),
				'input',
				/admin API/,
			);
			await refusedUnchanged(
				() =>
					upsert('rebind.example.com', `rebind.test:${caddy.adminPort}`, { allowLoopback: true }),
				'input',
				/admin API/,
			);
		});

		it('reads the name back, keeps it for TLS, and sends it as Host only when asked', async () => {
			dns.set('app.home.test', { a: ['100.64.2.1', '100.64.2.2'], aaaa: ['fd7a:115c:a1e0::2'] });
			const published = await upsert(
				'named.example.com',
				'app.home.test:8443',
				{},
				{ upstreamTls: true, upstreamHostHeader: true },
			);
			expect(published.json[0].dials).toEqual([
				'100.64.2.1:8443',
				'100.64.2.2:8443',
				'[fd7a:115c:a1e0::2]:8443',
			]);
			const route = JSON.parse(
				(await caddy.admin('GET', `/id/${String(published.json[0].routeId)}`)).body,
			);
			const text = JSON.stringify(route);
			expect(text).toContain('"server_name":"app.home.test"');
			expect(text).toContain('"Host":["app.home.test:8443"]');
			const got = await runNode(
				'caddyRoute',
				{ resource: 'route', operation: 'get', server: INGRESS, host: 'named.example.com' },
				{ credentials: credentials() },
			);
			expect(got.json[0]).toMatchObject({
				upstreams: ['app.home.test:8443'],
				upstreamHostHeader: true,
				tlsServerName: 'app.home.test',
			});
		});

		it.each([
			['no such name', 'missing.test', undefined, /no A or AAAA record/],
			['SERVFAIL', 'servfail.test', { rcode: 2 }, /could not be resolved \(ESERVFAIL\)/],
			['REFUSED', 'refused.test', { rcode: 5 }, /could not be resolved/],
			[
				'one refused answer among good ones',
				'mixed.test',
				{ a: ['100.64.3.3'], aaaa: ['::1'] },
				/loopback/,
			],
			[
				'a public answer',
				'public.test',
				{ a: ['203.0.113.50'] },
				/outside the allowed upstream networks/,
			],
		])('fails closed on %s', async (_case, name, answer, reason) => {
			if (answer) dns.set(name, answer);
			await refusedUnchanged(() => upsert('dns.example.com', `${name}:80`), 'input', reason);
		});

		it('fails closed when the answer is slower than the deadline', async () => {
			dns.set('slow.test', { a: ['100.64.4.4'], delayMs: 4_500 });
			const started = Date.now();
			await refusedUnchanged(
				() => upsert('slow.example.com', 'slow.test:80'),
				'input',
				/could not be resolved/,
			);
			expect(Date.now() - started).toBeLessThan(8_000);
		});
	});

	describe('route hosts are public DNS names', () => {
		it.each([
			'localhost',
			'app.localhost',
			'127.0.0.1',
			'10.0.0.1',
			'intranet',
			'*.com',
			'app.123',
		])('refuses %s', async (host) => {
			await refusedUnchanged(
				() => upsert(host, '100.64.0.5:80'),
				'input',
				/IP address|localhost|single-label|not a valid host/,
			);
		});
	});

	describe('ownership of hand-made hosts', () => {
		it('refuses a host an unmanaged route serves, naming that route, and adopts it only with the switch', async () => {
			const refused = await refusedUnchanged(
				() =>
					upsert('handmade2.example.com', `127.0.0.1:${home.port}`, {
						allowLoopback: true,
						allowedNetworks: '127.0.0.1/32',
					}),
				'conflict',
				/hand-made-2/,
			);
			expect(refused.details).toMatchObject({ httpStatus: 409 });
			await caddy.expectServed('handmade2.example.com', '/', 'hand made 2');
			await refusedUnchanged(
				() => upsert('x.wild-hand.example.com', '100.64.0.5:80'),
				'conflict',
				/without an @id/,
			);
			await refusedUnchanged(
				() => upsert('*.example.com', '100.64.0.5:80'),
				'conflict',
				/hand-made-2/,
			);

			const adopted = await upsert('handmade2.example.com', `127.0.0.1:${home.port}`, {
				allowLoopback: true,
				allowedNetworks: '127.0.0.1/32',
				adoptUnmanaged: true,
			});
			expect(adopted.json[0]).toMatchObject({ action: 'created' });
			await caddy.expectServed('handmade2.example.com', '/x', 'home /x');
			// the hand-made route itself is left as it was
			expect(await caddy.config()).toContain('"@id":"hand-made-2"');
		});

		it('refuses to add a hand-made host to an existing managed route, and a Sync that would take one', async () => {
			await upsert('own.example.com', '100.64.0.6:80');
			await refusedUnchanged(
				() => upsert('own.example.com, y.wild-hand.example.com', '100.64.0.6:80'),
				'conflict',
				/wild-hand/,
			);
			const before = await caddy.config();
			const sync = await runNode(
				'caddyRoute',
				{
					resource: 'route',
					operation: 'sync',
					server: INGRESS,
					source: 'json',
					routesJson: JSON.stringify([
						{ hosts: 'z.wild-hand.example.com', upstreams: '100.64.0.7:80' },
					]),
					dryRun: false,
				},
				{ credentials: credentials(), onError: 'continueRegularOutput' },
			);
			expect(sync.json[0]).toMatchObject({ details: { errorKind: 'conflict', httpStatus: 409 } });
			expect(await caddy.config()).toBe(before);
		});
	});

	describe('Delete tells the truth', () => {
		it('reports removed and whether the host is still served', async () => {
			expect((await remove('never.example.com')).json[0]).toMatchObject({
				removed: false,
				stillServed: false,
			});
			expect((await remove('y.wild-hand.example.com')).json[0]).toMatchObject({
				removed: false,
				stillServed: true,
				servedBy: 'unmanaged',
			});
			await upsert('multi.example.com, www.multi.example.com', '100.64.0.8:80');
			expect((await remove('www.multi.example.com')).json[0]).toMatchObject({
				removed: false,
				stillServed: true,
				servedBy: 'homelab-ingress_multi.example.com@ingress',
			});
			expect((await remove('multi.example.com')).json[0]).toMatchObject({
				removed: true,
				stillServed: false,
			});
		});
	});

	describe('bounded input', () => {
		it('refuses 10,000 names in one route and a 10 MiB host with a short error', async () => {
			const many = Array.from({ length: 10_000 }, (_, i) => `h${i}.example.com`).join(' ');
			const refused = await refusedUnchanged(
				() => upsert(many, '100.64.0.5:80'),
				'tooLarge',
				/at most/,
			);
			expect(refused.details).toMatchObject({ httpStatus: 413 });
			const hundredOne = Array.from({ length: 101 }, (_, i) => `n${i}.example.com`).join(',');
			await refusedUnchanged(
				() => upsert(hundredOne, '100.64.0.5:80'),
				'tooLarge',
				/101 entries; at most 100/,
			);
			await refusedUnchanged(
				() => upsert('a'.repeat(10 * 1024 * 1024), '100.64.0.5:80'),
				'tooLarge',
				/at most/,
			);
			await refusedUnchanged(() => upsert({ host: 'x' }, '100.64.0.5:80'), 'input', /must be text/);
		});
	});

	describe('admin origin enforcement (Ensure Server)', () => {
		it('refuses admin requests relayed through a public route, even one aimed at the admin port', async () => {
			const ensured = await runNode(
				'caddyRoute',
				{
					resource: 'server',
					operation: 'ensure',
					serverName: 'ingress',
					listen: `127.0.0.1:${caddy.httpPort}`,
					automaticHttps: false,
				},
				{ credentials: credentials() },
			);
			expect(ensured.json[0]).toMatchObject({
				created: false,
				adminOriginEnforced: true,
				adminChanged: true,
			});
			const again = await runNode(
				'caddyRoute',
				{
					resource: 'server',
					operation: 'ensure',
					serverName: 'ingress',
					listen: `127.0.0.1:${caddy.httpPort}`,
					automaticHttps: false,
				},
				{ credentials: credentials() },
			);
			expect(again.json[0]).toMatchObject({ adminOriginEnforced: true, adminChanged: false });

			// without an Origin the admin API now refuses; the node (which sends it) still works
			const bare = await fetch(`${caddy.adminUrl}/config/`, { signal: AbortSignal.timeout(5_000) });
			expect(bare.status).toBe(403);
			expect((await upsert('after-ensure.example.com', '100.64.0.10:80')).json[0]).toMatchObject({
				action: 'created',
			});

			// a route the node would never write, injected by hand: public host -> admin port
			const rogue = {
				'@id': 'rogue-admin',
				match: [{ host: ['rogue.example.com'] }],
				handle: [
					{ handler: 'reverse_proxy', upstreams: [{ dial: `127.0.0.1:${caddy.adminPort}` }] },
				],
				terminal: true,
			};
			const injected = await caddy.admin(
				'PUT',
				'/config/apps/http/servers/ingress/routes/0',
				rogue,
			);
			expect(injected.status).toBe(200);
			const attempts: Array<Record<string, string>> = [
				{},
				{ Origin: caddy.adminUrl },
				{ Origin: `http://localhost:${caddy.adminPort}`, Referer: caddy.adminUrl },
			];
			for (const headers of attempts) {
				const relayed = await caddy.get('rogue.example.com', '/config/');
				const forged = await httpCall(caddy.httpPort, {
					host: 'rogue.example.com',
					path: '/config/',
					headers,
				});
				for (const response of [relayed, forged]) {
					expect(response.status).toBe(403);
					expect(response.body).not.toContain('"apps"');
				}
			}
			expect((await caddy.admin('DELETE', '/id/rogue-admin')).status).toBe(200);
		});
	});
});
