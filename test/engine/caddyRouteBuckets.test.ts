/**
 * Caddy Route at scale (issue 14 §3): one admin request per change and no full-config read, whatever
 * the number of routes; order by structure; no route lost or doubled by concurrent changes; routes
 * written by the earlier layout moved on their first change without a moment where a host is unserved.
 * Every admin request the node makes goes through a recording proxy on loopback.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import type { CaddyRoute } from '../../nodes/CaddyRoute/helpers/caddyJson';
import { isBucketId, managedRoutesOf } from '../../nodes/CaddyRoute/helpers/routeBuckets';
import { buildRoute } from '../../nodes/CaddyRoute/helpers/routeConfig';
import { parseRouteSpec } from '../../nodes/CaddyRoute/helpers/routeSpec';
import { startCaddy, type CaddyServer } from '../support/caddy';
import { runNode } from '../support/engine';
import { httpCall, startUpstream, type Upstream } from '../support/http';
import { literalPins } from '../support/pins';
import { describeWithServer } from '../support/servers';

const INGRESS = { __rl: true, mode: 'name', value: 'ingress' };
const ROUTES = 400;

interface Recorded {
	method: string;
	url: string;
	bytes: number;
}

/** A loopback proxy in front of Caddy's admin API that records each request and its answer's size. */
async function recordingProxy(
	target: CaddyServer,
): Promise<{ url: string; log: Recorded[]; close(): Promise<void> }> {
	const log: Recorded[] = [];
	const server: Server = createServer((incoming, outgoing) => {
		const forward = request(
			{
				host: '127.0.0.1',
				port: target.adminPort,
				method: incoming.method,
				path: incoming.url,
				headers: { ...incoming.headers, host: `127.0.0.1:${target.adminPort}` },
			},
			(answer) => {
				let bytes = 0;
				outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.on('data', (chunk: Buffer) => {
					bytes += chunk.length;
					outgoing.write(chunk);
				});
				answer.on('end', () => {
					log.push({ method: incoming.method ?? '', url: incoming.url ?? '', bytes });
					outgoing.end();
				});
			},
		);
		forward.on('error', () => outgoing.destroy());
		incoming.pipe(forward);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		log,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

function route(hosts: string, upstreams: string, path?: string): CaddyRoute {
	const spec = parseRouteSpec({ hosts, upstreams, ...(path ? { path } : {}) });
	return buildRoute(spec, 'ingress', literalPins(spec));
}

describeWithServer('caddy', 'Caddy Route: one admin request per change at any size', () => {
	let caddy: CaddyServer;
	let proxy: Awaited<ReturnType<typeof recordingProxy>>;
	let home: Upstream;
	let other: Upstream;

	const run = (parameters: IDataObject, onError?: 'continueRegularOutput') =>
		runNode(
			'caddyRoute',
			{
				resource: 'route',
				server: INGRESS,
				allowLoopback: true,
				allowedNetworks: '127.0.0.1/32',
				...parameters,
			},
			{ credentials: { caddyAdminApi: { baseUrl: proxy.url } }, onError },
		);
	const upsert = (hosts: string, port: number, options: IDataObject = {}) =>
		run({
			operation: 'upsert',
			hosts,
			upstreams: `127.0.0.1:${port}`,
			routeOptions: options,
		});
	const remove = (host: string, path = '') => run({ operation: 'delete', host, path });
	const serverRoutes = async () =>
		JSON.parse(
			(await caddy.admin('GET', '/config/apps/http/servers/ingress/routes')).body,
		) as CaddyRoute[];
	const idCount = async (id: string) => (await caddy.config()).split(`"@id":"${id}"`).length - 1;

	/** What one node run sent: its writes, and the largest answer it read. */
	async function traffic(action: () => Promise<{ error?: unknown; json: IDataObject[] }>) {
		proxy.log.length = 0;
		const result = await action();
		expect(result.error).toBeUndefined();
		return {
			result: result.json[0],
			writes: proxy.log.filter((entry) => entry.method !== 'GET'),
			largestRead: Math.max(0, ...proxy.log.filter((e) => e.method === 'GET').map((e) => e.bytes)),
		};
	}

	beforeAll(async () => {
		caddy = await startCaddy([
			{
				'@id': 'hand-made',
				match: [{ host: ['manual.example.com'] }],
				handle: [{ handler: 'static_response', body: 'hand made' }],
				terminal: true,
			},
		]);
		proxy = await recordingProxy(caddy);
		home = await startUpstream('home');
		other = await startUpstream('other');
		const synced = await run({
			operation: 'sync',
			source: 'json',
			routesJson: JSON.stringify(
				Array.from({ length: ROUTES }, (_, i) => ({
					hosts: `site-${i}.example.com`,
					upstreams: `127.0.0.1:${20_000 + i}`,
				})),
			),
			dryRun: false,
		});
		expect(synced.error).toBeUndefined();
	});

	afterAll(async () => {
		await proxy?.close();
		await caddy?.stop();
		await home?.close();
		await other?.close();
	});

	it('creates, updates and deletes with one admin request each, reading no full config', async () => {
		const fullConfig = Buffer.byteLength(await caddy.config());
		expect(fullConfig).toBeGreaterThan(200_000);
		const small = fullConfig / 20;

		const created = await traffic(() => upsert('fresh.example.com', home.port));
		expect(created.result).toMatchObject({ action: 'created', changed: true });
		expect(created.writes).toHaveLength(1);
		expect(created.largestRead).toBeLessThan(small);
		await caddy.expectServed('fresh.example.com', '/x', 'home /x');

		const updated = await traffic(() => upsert('fresh.example.com', other.port));
		expect(updated.result).toMatchObject({ action: 'updated', changed: true });
		expect(updated.writes).toHaveLength(1);
		expect(updated.largestRead).toBeLessThan(small);
		await caddy.expectServed('fresh.example.com', '/y', 'other /y');

		const unchanged = await traffic(() => upsert('fresh.example.com', other.port));
		expect(unchanged.result).toMatchObject({ action: 'unchanged', changed: false });
		expect(unchanged.writes).toHaveLength(0);

		const removed = await traffic(() => remove('fresh.example.com'));
		expect(removed.result).toMatchObject({ removed: true, stillServed: false });
		expect(removed.writes).toHaveLength(1);
		expect(removed.largestRead).toBeLessThan(small);
		// nothing routes it any more: Caddy answers an unrouted host with an empty 200
		await caddy.expectServed('fresh.example.com', '/', '');

		const absent = await traffic(() => remove('fresh.example.com'));
		expect(absent.result).toMatchObject({ removed: false, stillServed: false });
		expect(absent.writes).toHaveLength(0);
		// every route synced before is still there, the hand-made one untouched
		expect(managedRoutesOf(await serverRoutes())).toHaveLength(ROUTES);
		await caddy.expectServed('manual.example.com', '/', 'hand made');
	});

	it('still refuses a host a hand-made route serves, without writing', async () => {
		const refused = await traffic(() =>
			run(
				{
					operation: 'upsert',
					hosts: 'manual.example.com',
					upstreams: `127.0.0.1:${home.port}`,
					routeOptions: {},
				},
				'continueRegularOutput',
			),
		);
		expect(refused.result).toMatchObject({
			error: expect.stringMatching(/hand-made/),
			details: { errorKind: 'conflict' },
		});
		expect(refused.writes).toHaveLength(0);
	});

	it('orders by structure: exact before wildcard, longer paths first, whatever the creation order', async () => {
		expect((await upsert('*.order.example.com', other.port)).error).toBeUndefined();
		expect((await upsert('app.order.example.com', home.port)).error).toBeUndefined();
		expect(
			(await upsert('app.order.example.com', other.port, { path: '/api/*' })).error,
		).toBeUndefined();
		expect(
			(await upsert('app.order.example.com', home.port, { path: '/api/v2/*' })).error,
		).toBeUndefined();
		await caddy.expectServed('app.order.example.com', '/', 'home /');
		await caddy.expectServed('x.order.example.com', '/', 'other /');
		await caddy.expectServed('app.order.example.com', '/api/v1', 'other /api/v1');
		await caddy.expectServed('app.order.example.com', '/api/v2/z', 'home /api/v2/z');

		// removing the whole-host route leaves the path routes: the host is still served
		const removed = await remove('app.order.example.com');
		expect(removed.json[0]).toMatchObject({ removed: true, stillServed: true });
		// the wildcard serves the name now
		await caddy.expectServed('app.order.example.com', '/', 'other /');
	});

	it('says which route still serves an extra name or a name under a wildcard', async () => {
		await upsert('multi.example.com, www.multi.example.com', home.port);
		expect((await remove('www.multi.example.com')).json[0]).toMatchObject({
			removed: false,
			stillServed: true,
			servedBy: 'homelab-ingress_multi.example.com@ingress',
		});
		await upsert('*.wild.example.com', home.port);
		expect((await remove('a.wild.example.com')).json[0]).toMatchObject({
			removed: false,
			stillServed: true,
			servedBy: 'homelab-ingress__.wild.example.com@ingress',
		});
	});

	it('moves a route between its own bucket and the shared ones as its hosts change, never doubling it', async () => {
		const id = 'homelab-ingress_mover.example.com@ingress';
		const steps = [
			'mover.example.com',
			'mover.example.com, alias.mover.example.com',
			'mover.example.com, *.wild-mover.example.com',
			'mover.example.com',
		];
		for (const hosts of steps) {
			const result = await run({
				operation: 'upsert',
				hosts,
				upstreams: `127.0.0.1:${home.port}`,
				routeOptions: {},
			});
			expect(result.error).toBeUndefined();
			expect(await idCount(id)).toBe(1);
			for (const host of hosts.split(', '))
				await caddy.expectServed(host.replace('*', 'any'), '/', 'home /');
		}
		await caddy.expectServed('alias.mover.example.com', '/', '');

		// A route with several hosts (one a wildcard) is found in the shared bucket and removed.
		await run({
			operation: 'upsert',
			hosts: 'mover.example.com, *.wild-mover.example.com',
			upstreams: `127.0.0.1:${home.port}`,
			routeOptions: {},
		});
		const removed = await traffic(() => remove('mover.example.com'));
		expect(removed.result).toMatchObject({ removed: true, stillServed: false });
		expect(removed.writes).toHaveLength(1);
		expect(await idCount(id)).toBe(0);
		await caddy.expectServed('any.wild-mover.example.com', '/', '');
	});

	it('loses and doubles nothing under concurrent changes, of one host or of many', async () => {
		const same = await Promise.all(
			Array.from({ length: 12 }, (_, i) =>
				upsert('contended.example.com', i % 2 ? home.port : other.port),
			),
		);
		for (const result of same) expect(result.error).toBeUndefined();
		expect(await idCount('homelab-ingress_contended.example.com@ingress')).toBe(1);

		const hosts = Array.from({ length: 24 }, (_, i) => `burst-${i}.example.com`);
		const many = await Promise.all(hosts.map((host) => upsert(host, home.port)));
		for (const result of many) expect(result.error).toBeUndefined();
		for (const host of hosts) expect(await idCount(`homelab-ingress_${host}@ingress`)).toBe(1);
		for (const host of hosts.slice(0, 4)) await caddy.expectServed(host, '/', 'home /');

		const interleaved = await Promise.all(
			Array.from({ length: 16 }, (_, i) =>
				i % 2 ? remove('flip.example.com') : upsert('flip.example.com', home.port),
			),
		);
		for (const result of interleaved) expect(result.error).toBeUndefined();
		await upsert('flip.example.com', other.port);
		expect(await idCount('homelab-ingress_flip.example.com@ingress')).toBe(1);
		await caddy.expectServed('flip.example.com', '/', 'other /');
	});

	it('follows its buckets when a hand-made route is inserted before them', async () => {
		const inserted = await caddy.admin('PUT', '/config/apps/http/servers/ingress/routes/0', {
			'@id': 'inserted-first',
			match: [{ host: ['first.example.com'] }],
			handle: [{ handler: 'static_response', body: 'first' }],
			terminal: true,
		});
		expect(inserted.status).toBe(200);
		const moved = await traffic(() => upsert('after-move.example.com', home.port));
		expect(moved.result).toMatchObject({ action: 'created' });
		await caddy.expectServed('after-move.example.com', '/', 'home /');
		// the buckets record where they are again, so the next change is one request
		const next = await traffic(() => upsert('after-move-2.example.com', home.port));
		expect(next.writes).toHaveLength(1);
		await caddy.expectServed('first.example.com', '/', 'first');
	});
});

describeWithServer('caddy', 'Caddy Route: routes of the earlier layout move into buckets', () => {
	it('moves top-level managed routes on the first change, serving them all the while', async () => {
		const home = await startUpstream('home');
		const old = [
			route('old-a.example.com', `127.0.0.1:${home.port}`),
			route('old-b.example.com', `127.0.0.1:${home.port}`, '/api/*'),
		];
		const catchAll = { handle: [{ handler: 'static_response', body: 'fallback' }] };
		const caddy = await startCaddy([...old, catchAll]);
		try {
			let serving = true;
			let failures = 0;
			let requests = 0;
			const load = (async () => {
				while (serving) {
					requests++;
					const answer = await httpCall(caddy.httpPort, {
						host: 'old-a.example.com',
						path: '/steady',
					}).catch(() => httpCall(caddy.httpPort, { host: 'old-a.example.com', path: '/steady' }));
					if (answer.body !== 'home /steady') failures++;
				}
			})();
			const result = await runNode(
				'caddyRoute',
				{
					resource: 'route',
					operation: 'upsert',
					server: INGRESS,
					hosts: 'new.example.com',
					upstreams: `127.0.0.1:${home.port}`,
					allowLoopback: true,
					allowedNetworks: '127.0.0.1/32',
					routeOptions: {},
				},
				{ credentials: { caddyAdminApi: { baseUrl: caddy.adminUrl } } },
			);
			serving = false;
			await load;
			expect(result.error).toBeUndefined();
			expect(result.json[0]).toMatchObject({ action: 'created' });
			expect(requests).toBeGreaterThan(0);
			expect(failures).toBe(0);

			const routes = JSON.parse(
				(await caddy.admin('GET', '/config/apps/http/servers/ingress/routes')).body,
			) as CaddyRoute[];
			// nothing managed is left at the top level; the catch-all still comes last
			expect(routes.filter((r) => !isBucketId(r['@id']))).toEqual([catchAll]);
			expect(
				managedRoutesOf(routes)
					.map((r) => r['@id'])
					.sort(),
			).toEqual(
				[
					'homelab-ingress_new.example.com@ingress',
					'homelab-ingress_old-a.example.com@ingress',
					old[1]['@id'],
				].sort(),
			);
			await caddy.expectServed('old-b.example.com', '/api/x', 'home /api/x');
			await caddy.expectServed('new.example.com', '/', 'home /');
			await caddy.expectServed('elsewhere.example.com', '/', 'fallback');
		} finally {
			await caddy.stop();
			await home.close();
		}
	});
});
