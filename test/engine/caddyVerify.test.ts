/**
 * Route → Verify against a real Caddy serving HTTPS on loopback: a certificate from a test CA that
 * expires in days, a host whose home is down (the offline page), and a certificate no trusted CA signed.
 */
import type { IDataObject } from 'n8n-workflow';

import { startCaddy, type CaddyServer } from '../support/caddy';
import { makeTestPki, type TestPki } from '../support/certs';
import { runNode } from '../support/engine';
import { startUpstream, type Upstream } from '../support/http';
import { freePort } from '../support/process';
import { describeWithServer } from '../support/servers';

const PUBLIC = { __rl: true, mode: 'name', value: 'public' };
const LOOPBACK = { allowLoopback: true, allowedNetworks: '127.0.0.1/32' };

describeWithServer('caddy', 'Caddy Route Verify against a real Caddy over HTTPS', () => {
	let caddy: CaddyServer;
	let home: Upstream;
	let pki: TestPki;
	let httpsPort: number;
	const credentials = () => ({ caddyAdminApi: { baseUrl: caddy.adminUrl } });
	const run = (parameters: IDataObject) =>
		runNode(
			'caddyRoute',
			{ resource: 'route', server: PUBLIC, ...parameters },
			{ credentials: credentials() },
		);
	const verify = async (extra: IDataObject) => {
		const result = await run({
			operation: 'verify',
			publicAddress: `127.0.0.1:${httpsPort}`,
			path: '/',
			timeoutSeconds: 5,
			...extra,
		});
		expect(result.error).toBeUndefined();
		return Object.fromEntries(result.json.map((item) => [String(item.host), item]));
	};

	beforeAll(async () => {
		caddy = await startCaddy();
		home = await startUpstream('home');
		pki = makeTestPki('good.example.com');
		httpsPort = await freePort();
		expect(
			(await caddy.admin('POST', '/config/apps/http/http_port', await freePort())).status,
		).toBe(200);
		expect((await caddy.admin('POST', '/config/apps/http/https_port', httpsPort)).status).toBe(200);
		const tls = {
			certificates: { load_pem: [{ certificate: pki.cert, key: pki.key }] },
			automation: { policies: [{ issuers: [{ module: 'internal' }] }] },
		};
		expect((await caddy.admin('POST', '/config/apps/tls', tls)).status).toBe(200);
		const pkiApp = { certificate_authorities: { local: { install_trust: false } } };
		expect((await caddy.admin('POST', '/config/apps/pki', pkiApp)).status).toBe(200);
		const ensured = await runNode(
			'caddyRoute',
			{
				resource: 'server',
				operation: 'ensure',
				serverName: 'public',
				listen: `127.0.0.1:${httpsPort}`,
				automaticHttps: true,
			},
			{ credentials: credentials() },
		);
		expect(ensured.error).toBeUndefined();
		for (const [host, upstream] of [
			['good.example.com', `127.0.0.1:${home.port}`],
			['down.example.com', `127.0.0.1:${await freePort()}`],
		]) {
			const published = await run({
				operation: 'upsert',
				hosts: host,
				upstreams: upstream,
				routeOptions: { offlinePage: true },
				...LOOPBACK,
			});
			expect(published.error).toBeUndefined();
		}
	});

	afterAll(async () => {
		await caddy?.stop();
		await home?.close();
	});

	it('reports status, issuer, days left and trust per host, and fails hosts below the threshold', async () => {
		let hosts: Record<string, IDataObject> = {};
		// the internal CA issues down.example.com's certificate in the background
		for (let attempt = 0; attempt < 40; attempt++) {
			hosts = await verify({ minDaysLeft: 14, trustedCaPem: pki.caPem });
			if (hosts['down.example.com']?.status !== undefined) break;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		expect(hosts['good.example.com']).toMatchObject({
			status: 200,
			trusted: true,
			issuer: 'homelab test CA',
			offline: false,
			ok: false,
			problems: [expect.stringMatching(/certificate expires in \d+ days \(fewer than 14\)/)],
		});
		expect(Number(hosts['good.example.com'].daysLeft)).toBeLessThanOrEqual(2);
		expect(hosts['down.example.com']).toMatchObject({
			status: 503,
			offline: true,
			trusted: false,
			ok: false,
			problems: expect.arrayContaining([
				expect.stringMatching(/offline page/),
				expect.stringMatching(/not trusted/),
			]),
		});
	});

	it('passes a healthy host within the threshold, and says when nothing answers', async () => {
		const hosts = await verify({ minDaysLeft: 0, trustedCaPem: pki.caPem });
		expect(hosts['good.example.com']).toMatchObject({ ok: true, problems: [] });
		const closed = await run({
			operation: 'verify',
			publicAddress: `127.0.0.1:${await freePort()}`,
			minDaysLeft: 0,
			timeoutSeconds: 5,
		});
		expect(closed.json.find((item) => item.host === 'good.example.com')).toMatchObject({
			ok: false,
			error: 'ECONNREFUSED',
		});
	});
});
