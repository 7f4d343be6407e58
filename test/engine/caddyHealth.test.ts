/**
 * Route → Health (issue 14, part 2), against a real Caddy: a route with an active health check to a
 * loopback upstream the test starts is healthy; once that upstream is stopped, Health says so within
 * a bounded wait (Caddy's check interval plus its 10 s metrics refresh).
 */
import type { IDataObject } from 'n8n-workflow';

import { startCaddy, type CaddyServer } from '../support/caddy';
import { runNode } from '../support/engine';
import { startUpstream, type Upstream } from '../support/http';
import { describeWithServer } from '../support/servers';

const INGRESS = { __rl: true, mode: 'name', value: 'ingress' };
const LOOPBACK = { allowLoopback: true, allowedNetworks: '127.0.0.1/32' };
/** Check interval (1 s) + timeout (1 s) + Caddy's metrics refresh (10 s), with room to spare. */
const DETECTION_MS = 25_000;

describeWithServer('caddy', 'Caddy Route Health against a real Caddy', () => {
	let caddy: CaddyServer;
	let checked: Upstream;
	let unchecked: Upstream;
	const credentials = () => ({ caddyAdminApi: { baseUrl: caddy.adminUrl } });
	const health = async (): Promise<IDataObject[]> => {
		const result = await runNode(
			'caddyRoute',
			{ resource: 'route', operation: 'health', server: INGRESS },
			{ credentials: credentials() },
		);
		expect(result.error).toBeUndefined();
		return result.json;
	};
	const byHost = (items: IDataObject[], host: string) => items.find((item) => item.host === host);
	/** Polls Health until `host` reports `healthy`, or fails after DETECTION_MS. */
	const waitForHealth = async (host: string, healthy: boolean): Promise<IDataObject> => {
		const deadline = Date.now() + DETECTION_MS;
		let last: IDataObject | undefined;
		while (Date.now() < deadline) {
			last = byHost(await health(), host);
			if (last?.healthy === healthy) return last;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		throw new Error(`${host} did not become healthy=${healthy}: ${JSON.stringify(last)}`);
	};

	beforeAll(async () => {
		caddy = await startCaddy();
		checked = await startUpstream('checked');
		unchecked = await startUpstream('unchecked');
		for (const [host, upstreams, routeOptions] of [
			[
				'watched.example.com',
				`localhost:${checked.port}`,
				{ healthCheckUri: '/health', healthCheckInterval: '1s', healthCheckTimeout: '1s' },
			],
			['plain.example.com, plain-alias.example.com', `127.0.0.1:${unchecked.port}`, {}],
		] as const) {
			const published = await runNode(
				'caddyRoute',
				{
					resource: 'route',
					operation: 'upsert',
					server: INGRESS,
					hosts: host,
					upstreams,
					routeOptions,
					...LOOPBACK,
				},
				{ credentials: credentials() },
			);
			expect(published.error).toBeUndefined();
		}
	});

	afterAll(async () => {
		await caddy?.stop();
		await checked?.close();
		await unchecked?.close();
	});

	it('reports a checked upstream healthy, by the name it was given, with numeric counts', async () => {
		const watched = await waitForHealth('watched.example.com', true);
		expect(checked.hits).toBeGreaterThan(0);
		expect(watched).toMatchObject({
			server: 'ingress',
			hosts: ['watched.example.com'],
			routeId: 'homelab-ingress_watched.example.com@ingress',
			healthCheck: { uri: '/health', interval: '1s', timeout: '1s' },
			healthy: true,
			serving: true,
			healthyUpstreams: 1,
			healthSource: expect.stringContaining('caddy_reverse_proxy_upstreams_healthy'),
		});
		const [upstream] = watched.upstreams as IDataObject[];
		expect(upstream).toMatchObject({
			upstream: `localhost:${checked.port}`,
			dial: `127.0.0.1:${checked.port}`,
			healthy: true,
		});
		expect(typeof upstream.numRequests).toBe('number');
		expect(typeof upstream.fails).toBe('number');
	});

	it('answers per host: every name a route serves gets its own item', async () => {
		const items = await health();
		expect(items.map((item) => item.host).sort()).toEqual([
			'plain-alias.example.com',
			'plain.example.com',
			'watched.example.com',
		]);
		expect(byHost(items, 'plain-alias.example.com')).toMatchObject({
			hosts: ['plain.example.com', 'plain-alias.example.com'],
			routeId: byHost(items, 'plain.example.com')?.routeId,
		});
	});

	it('says nothing about health for a route without an active check', async () => {
		const plain = byHost(await health(), 'plain.example.com');
		expect(plain).toMatchObject({ healthy: null, serving: null, healthCheck: null });
		expect((plain?.upstreams as IDataObject[])[0]).toMatchObject({
			upstream: `127.0.0.1:${unchecked.port}`,
			healthy: null,
		});
	});

	it(
		'reports the upstream unhealthy within a bounded wait once it is stopped',
		async () => {
			await checked.close();
			const started = Date.now();
			const watched = await waitForHealth('watched.example.com', false);
			expect(Date.now() - started).toBeLessThan(DETECTION_MS);
			expect(watched).toMatchObject({ healthy: false, serving: false, healthyUpstreams: 0 });
			expect((watched.upstreams as IDataObject[])[0]).toMatchObject({
				upstream: `localhost:${checked.port}`,
				healthy: false,
			});
			// the route without a check is not affected
			expect(byHost(await health(), 'plain.example.com')).toMatchObject({ healthy: null });
		},
		DETECTION_MS + 10_000,
	);
});
