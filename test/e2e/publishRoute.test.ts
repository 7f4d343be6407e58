/**
 * The exported publish/unpublish route workflows, imported into a real n8n with the packed package
 * installed as a community package, driving a real Caddy. Webhooks are called over HTTP.
 */
import {
	login,
	randomSecret,
	routeCredentials,
	shippedWorkflows,
	type WorkflowJson,
} from '../../scripts/n8n-instance';
import { freePort } from '../support/process';
import {
	CLOUDFLARE_TOKEN,
	createCloudflareSimulator,
	type CloudflareSimulator,
} from '../simulators/cloudflare';
import { startCaddy, type CaddyServer } from '../support/caddy';
import { startUpstream, type Upstream } from '../support/http';
import { describeWithN8n, startTestN8n, type TestN8n } from '../support/n8n';
import { describeWithServer } from '../support/servers';

jest.setTimeout(30_000);

const CADDY_NODE_TYPE = 'n8n-nodes-homelab-ingress.caddyRoute';
const PUBLISH_ROUTE_ID = 'hliPublishRoute01';
const UNPUBLISH_ROUTE_ID = 'hliUnpublishRte01';

function workflowWithId(workflows: WorkflowJson[], id: string): WorkflowJson {
	const workflow = workflows.find((candidate) => candidate.id === id);
	if (!workflow) throw new Error(`workflows/ has no workflow with id ${id}`);
	return workflow;
}

const DNS_ZONE = 'example.test';
const URL_SECRET = 'S3cretUserinfo';

function withUserinfo(url: string): string {
	const parsed = new URL(url);
	parsed.username = 'hli';
	parsed.password = URL_SECRET;
	return parsed.toString().replace(/\/$/, '');
}

const HAND_MADE_ROUTE = {
	'@id': 'hand-made-2',
	match: [{ host: ['handmade2.example.test'] }],
	handle: [{ handler: 'static_response', body: 'hand made 2' }],
	terminal: true,
};
const VPS_IPV4 = '203.0.113.10';

/** What a user edits after import to switch the DNS step on: the workflow's Ingress Settings node. */
function enableDns(workflow: WorkflowJson): void {
	const settings = workflow.nodes.find((node) => node.name === 'Ingress Settings');
	if (!settings) throw new Error(`${workflow.name} has no Ingress Settings node`);
	const assignments = (
		settings.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }
	).assignments;
	const values: Record<string, unknown> = {
		dnsEnabled: true,
		dnsZone: DNS_ZONE,
		vpsIpv4: VPS_IPV4,
	};
	for (const assignment of assignments) {
		expect(assignment.name in values).toBe(true);
		assignment.value = values[assignment.name];
	}
}

function caddyNodeOf(workflow: WorkflowJson) {
	const nodes = workflow.nodes.filter((node) => node.type === CADDY_NODE_TYPE);
	expect(nodes).toHaveLength(1);
	return nodes[0];
}

describeWithServer('caddy', 'publish/unpublish route workflows', () => {
	describeWithN8n('in a real n8n driving a real Caddy', () => {
		const token = randomSecret();
		const host = 'app.example.test';
		let caddy: CaddyServer;
		let upstream: Upstream;
		let n8n: TestN8n;
		let cloudflare: CloudflareSimulator;
		const dnsRecords = () =>
			[...(cloudflare.zones.values().next().value?.records.values() ?? [])].map((r) => ({
				name: r.name,
				type: r.type,
				content: r.content,
			}));

		const callRoutes = async (method: 'POST' | 'DELETE', body: string, authorization?: string) => {
			const response = await fetch(`${n8n.baseUrl}/webhook/ingress/routes`, {
				method,
				headers: {
					'Content-Type': 'application/json',
					...(authorization ? { Authorization: authorization } : {}),
				},
				body,
				signal: AbortSignal.timeout(20_000),
			});
			const text = await response.text();
			return { status: response.status, text };
		};
		const publish = (payload: unknown, authorization = `Bearer ${token}`) =>
			callRoutes('POST', JSON.stringify(payload), authorization);

		beforeAll(async () => {
			caddy = await startCaddy([HAND_MADE_ROUTE]);
			upstream = await startUpstream('home-app');
			cloudflare = createCloudflareSimulator();
			cloudflare.addZone(DNS_ZONE);
			await cloudflare.listen();
			const shipped = shippedWorkflows();
			const publishRoute = workflowWithId(shipped, PUBLISH_ROUTE_ID);
			expect(caddyNodeOf(publishRoute).parameters.allowLoopback).toBe(false);
			// The one change to the shipped code path: the test upstream is on loopback. Besides that, the
			// copies get the settings a user fills in after import (DNS on, zone, VPS address).
			const testCopy = structuredClone(publishRoute);
			caddyNodeOf(testCopy).parameters.allowLoopback = true;
			caddyNodeOf(testCopy).parameters.allowedNetworks = '127.0.0.1/32';
			const unpublishCopy = structuredClone(workflowWithId(shipped, UNPUBLISH_ROUTE_ID));
			enableDns(testCopy);
			enableDns(unpublishCopy);
			n8n = await startTestN8n({
				// userinfo in the admin URL: it must never reach a webhook caller (see the last test)
				credentials: routeCredentials(withUserinfo(caddy.adminUrl), token, {
					baseUrl: cloudflare.url,
					apiToken: CLOUDFLARE_TOKEN,
				}),
				workflows: [testCopy, unpublishCopy],
				publish: [PUBLISH_ROUTE_ID, UNPUBLISH_ROUTE_ID],
			});
		}, 180_000);

		afterAll(async () => {
			await n8n?.stop();
			await upstream?.close();
			await caddy?.stop();
			await cloudflare?.close();
		}, 60_000);

		it('publishes a route that Caddy then serves from the upstream', async () => {
			const response = await publish({ host, upstream: `127.0.0.1:${upstream.port}` });
			expect(response.status).toBe(200);
			const published = JSON.parse(response.text) as { routeId: string };
			expect(published).toEqual({
				host,
				upstreams: [`127.0.0.1:${upstream.port}`],
				routeId: expect.stringContaining(host),
				action: 'created',
				dns: false,
			});
			expect(await caddy.config()).toContain(`"@id":"${published.routeId}"`);
			const proxied = await caddy.getWhen(host, '/hello', (r) => r.status === 200);
			expect(proxied.status).toBe(200);
			expect(proxied.body).toBe('home-app /hello');
		});

		it.each([
			['no Authorization header', undefined],
			['a wrong token', `Bearer ${randomSecret()}`],
			['the token without "Bearer "', token],
		])('refuses a request with %s and leaves Caddy untouched', async (_case, authorization) => {
			const before = await caddy.config();
			const response = await callRoutes(
				'POST',
				JSON.stringify({ host: 'intruder.example.test', upstream: `127.0.0.1:${upstream.port}` }),
				authorization,
			);
			expect([401, 403]).toContain(response.status);
			expect(await caddy.config()).toBe(before);
		});

		it.each([
			['a missing host', { upstream: '10.0.0.5:8080' }, /host must be exactly one DNS name/],
			[
				'an invalid host name',
				{ host: 'bad_host!.example.test', upstream: '10.0.0.5:8080' },
				/not a valid host name/,
			],
			[
				'a cloud metadata upstream',
				{ host: 'meta.example.test', upstream: '169.254.169.254:80' },
				/link-local or cloud metadata/,
			],
			[
				'a number as host',
				{ host: 42, upstream: '10.0.0.5:8080' },
				/host must be exactly one DNS name/,
			],
		])('answers 400 {error} for %s and leaves Caddy untouched', async (_case, payload, reason) => {
			const before = await caddy.config();
			const response = await publish(payload);
			expect(response.status).toBe(400);
			expect(JSON.parse(response.text)).toEqual({
				error: expect.stringMatching(reason),
				errorKind: 'input',
			});
			expect(await caddy.config()).toBe(before);
		});

		it.each([
			[
				'10,000 space-separated names',
				Array.from({ length: 10_000 }, (_, i) => `h${i}.example.test`).join(' '),
			],
			['two names on two lines', 'a.example.test\nb.example.test'],
			['two comma-separated names', 'a.example.test,b.example.test'],
			['a 10 MiB host', 'a'.repeat(10 * 1024 * 1024)],
		])('answers 400 for %s with a short error and publishes nothing', async (_case, hostValue) => {
			const before = await caddy.config();
			const response = await publish({ host: hostValue, upstream: `127.0.0.1:${upstream.port}` });
			expect(response.status).toBe(400);
			expect(response.text.length).toBeLessThan(400);
			expect(JSON.parse(response.text)).toMatchObject({ errorKind: 'input' });
			expect(await caddy.config()).toBe(before);
		});

		it('publishes a route behind basic auth and a health check, keeping the password out of answers and Caddy', async () => {
			const password = 'Webhook-Pa55word';
			const payload = {
				host: 'login.example.test',
				upstream: `127.0.0.1:${upstream.port}`,
				basicAuthUser: 'family',
				basicAuthPassword: password,
				authBypassPaths: '/public/*',
				healthCheckUri: '/health',
				healthCheckInterval: '10s',
			};
			const response = await publish(payload);
			expect(response.status).toBe(200);
			expect(JSON.parse(response.text)).toMatchObject({ action: 'created' });
			expect(response.text).not.toContain(password);
			const config = await caddy.config();
			expect(config).not.toContain(password);
			expect(config).toContain('"username":"family"');
			expect(config).toContain('"interval":"10s"');
			const login = await caddy.getWhen('login.example.test', '/private', (r) => r.status === 401);
			expect(login.status).toBe(401);
			await caddy.expectServed('login.example.test', '/public/x', 'home-app /public/x');
			const again = await publish(payload);
			expect(JSON.parse(again.text)).toMatchObject({ action: 'unchanged' });
			// its health checks would otherwise keep reaching the shared upstream
			const removed = await callRoutes(
				'DELETE',
				JSON.stringify({ host: 'login.example.test' }),
				`Bearer ${token}`,
			);
			expect(JSON.parse(removed.text)).toMatchObject({ removed: true });
		});

		it.each([
			[
				'a basic-auth password over 72 bytes',
				{ basicAuthUser: 'family', basicAuthPassword: 'x'.repeat(73) },
				413,
				'tooLarge',
			],
			['a basic-auth user that is not text', { basicAuthUser: ['family'] }, 400, 'input'],
			[
				'basic auth together with forward auth',
				{
					basicAuthUser: 'family',
					basicAuthPassword: 'long-enough',
					forwardAuthUpstream: '127.0.0.1:9',
				},
				400,
				'input',
			],
			[
				'a health check every 100 ms',
				{ healthCheckUri: '/h', healthCheckInterval: '100ms' },
				400,
				'input',
			],
		])('refuses %s and changes nothing', async (_case, options, status, errorKind) => {
			const before = await caddy.config();
			const response = await publish({
				host: 'refused.example.test',
				upstream: `127.0.0.1:${upstream.port}`,
				...options,
			});
			expect(response.status).toBe(status);
			expect(JSON.parse(response.text)).toMatchObject({ errorKind });
			expect(response.text).not.toContain('x'.repeat(73));
			expect(await caddy.config()).toBe(before);
		});

		it('answers 409 for a host a hand-made route serves, and leaves that route serving it', async () => {
			const before = await caddy.config();
			const response = await publish({
				host: 'handmade2.example.test',
				upstream: `127.0.0.1:${upstream.port}`,
			});
			expect(response.status).toBe(409);
			expect(JSON.parse(response.text)).toEqual({
				error: expect.stringContaining('hand-made-2'),
				errorKind: 'conflict',
			});
			expect(await caddy.config()).toBe(before);
			await caddy.expectServed('handmade2.example.test', '/', 'hand made 2');
		});

		it('answers 400 for an upstream name that resolves to the admin API, even with loopback allowed', async () => {
			const before = await caddy.config();
			const admin = await publish({
				host: 'admin.example.test',
				upstream: `localhost:${caddy.adminPort}`,
			});
			expect(admin.status).toBe(400);
			expect(JSON.parse(admin.text)).toEqual({
				error: expect.stringMatching(/admin API/),
				errorKind: 'input',
			});
			expect(await caddy.config()).toBe(before);
		});

		it('unpublish answers what happened: nothing for an unknown host, and a hand-made host is left alone', async () => {
			const unknown = await callRoutes(
				'DELETE',
				JSON.stringify({ host: 'never.example.test' }),
				`Bearer ${token}`,
			);
			expect(unknown.status).toBe(200);
			expect(JSON.parse(unknown.text)).toMatchObject({
				host: 'never.example.test',
				removed: false,
				stillServed: false,
			});
			const before = await caddy.config();
			const handMade = await callRoutes(
				'DELETE',
				JSON.stringify({ host: 'handmade2.example.test' }),
				`Bearer ${token}`,
			);
			expect(JSON.parse(handMade.text)).toMatchObject({
				removed: false,
				stillServed: true,
				dns: false,
			});
			expect(await caddy.config()).toBe(before);
		});

		it('refuses an unpublish request without the token and keeps the route', async () => {
			const before = await caddy.config();
			const response = await callRoutes(
				'DELETE',
				JSON.stringify({ host }),
				`Bearer ${randomSecret()}`,
			);
			expect([401, 403]).toContain(response.status);
			expect(await caddy.config()).toBe(before);
			await caddy.expectServed(host, '/still', 'home-app /still');
		});

		it('unpublishes the route, after which Caddy no longer reaches the upstream', async () => {
			const hitsBefore = upstream.hits;
			const response = await callRoutes('DELETE', JSON.stringify({ host }), `Bearer ${token}`);
			expect(response.status).toBe(200);
			expect(JSON.parse(response.text)).toMatchObject({ host, removed: true });
			expect(await caddy.config()).not.toContain(host);
			const after = await caddy.getWhen(host, '/hello', (r) => !r.body.includes('home-app'));
			expect(after.body).not.toContain('home-app');
			expect(upstream.hits).toBe(hitsBefore);
		});
		it('with "dns": true, writes the A record to the VPS address before the route goes live', async () => {
			const dnsHost = `www.${DNS_ZONE}`;
			const response = await publish({
				host: dnsHost,
				upstream: `127.0.0.1:${upstream.port}`,
				dns: true,
			});
			expect(response.status).toBe(200);
			expect(JSON.parse(response.text)).toMatchObject({ host: dnsHost, dns: true });
			expect(dnsRecords()).toContainEqual({ name: dnsHost, type: 'A', content: VPS_IPV4 });
			await caddy.expectServed(dnsHost, '/', 'home-app /');

			const removed = await callRoutes(
				'DELETE',
				JSON.stringify({ host: dnsHost }),
				`Bearer ${token}`,
			);
			expect(removed.status).toBe(200);
			expect(JSON.parse(removed.text)).toMatchObject({ host: dnsHost, removed: true, dns: true });
			expect(dnsRecords().filter((r) => r.name === dnsHost)).toEqual([]);
			expect(await caddy.config()).not.toContain(dnsHost);
		});

		it('removes the DNS record it created when the route then fails', async () => {
			const dnsHost = `broken.${DNS_ZONE}`;
			const before = await caddy.config();
			const writesBefore = cloudflare.mutatingRequests().length;
			const response = await publish({ host: dnsHost, upstream: '169.254.169.254:80', dns: true });
			expect(response.status).toBe(400);
			expect(JSON.parse(response.text)).toEqual({
				error: expect.stringMatching(/link-local or cloud metadata/),
				errorKind: 'input',
			});
			// the record was written first (DNS before the route), then taken back
			const writes = cloudflare.mutatingRequests().slice(writesBefore);
			expect(writes.length).toBeGreaterThanOrEqual(2);
			expect(JSON.stringify(writes[0].body)).toContain(dnsHost);
			expect(dnsRecords().filter((r) => r.name === dnsHost)).toEqual([]);
			expect(await caddy.config()).toBe(before);
		});

		it('refuses a host outside the DNS zone with 400 and changes nothing', async () => {
			const before = await caddy.config();
			const recordsBefore = dnsRecords();
			const response = await publish({
				host: 'app.elsewhere.test',
				upstream: `127.0.0.1:${upstream.port}`,
				dns: true,
			});
			expect(response.status).toBe(400);
			expect(JSON.parse(response.text).error).toMatch(/outside the zone/);
			expect(dnsRecords()).toEqual(recordsBefore);
			expect(await caddy.config()).toBe(before);
		});
		describe('credential tests, run by n8n itself', () => {
			// As the editor does for a stored credential whose fields were just changed: its id plus the new data.
			const credentialIds: Record<string, string> = {
				caddyAdminApi: 'hliCaddyAdmin01',
				cloudflareDnsApi: 'hliDnsCloudflare1',
			};
			const testCredential = async (type: string, data: Record<string, string>) => {
				const cookie = await login(n8n.baseUrl, n8n.owner);
				const response = await fetch(`${n8n.baseUrl}/rest/credentials/test`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json', Cookie: cookie },
					body: JSON.stringify({
						credentials: { id: credentialIds[type], name: `${type} test`, type, data },
					}),
					signal: AbortSignal.timeout(20_000),
				});
				expect(response.status).toBe(200);
				return ((await response.json()) as { data: { status: string; message: string } }).data;
			};

			it('Caddy Admin API: OK against the real Caddy, an error when nothing listens', async () => {
				expect(await testCredential('caddyAdminApi', { baseUrl: caddy.adminUrl })).toMatchObject({
					status: 'OK',
				});
				const closed = await testCredential('caddyAdminApi', {
					baseUrl: `http://127.0.0.1:${await freePort()}`,
				});
				expect(closed.status).toBe('Error');
			});

			it('Cloudflare DNS API: OK with the right token, an error with a wrong one', async () => {
				expect(
					await testCredential('cloudflareDnsApi', {
						baseUrl: cloudflare.url,
						apiToken: CLOUDFLARE_TOKEN,
					}),
				).toMatchObject({
					status: 'OK',
				});
				const wrong = await testCredential('cloudflareDnsApi', {
					baseUrl: cloudflare.url,
					apiToken: 'not-the-token',
				});
				expect(wrong.status).toBe('Error');
			});
		});

		it('answers 502 with no secret from the admin URL when Caddy is down', async () => {
			await caddy.stop();
			for (const [method, body] of [
				['POST', { host: 'down.example.test', upstream: `127.0.0.1:${upstream.port}` }],
				['DELETE', { host: 'down.example.test' }],
			] as const) {
				const response = await callRoutes(method, JSON.stringify(body), `Bearer ${token}`);
				expect(response.status).toBe(502);
				expect(JSON.parse(response.text)).toMatchObject({ errorKind: 'upstream' });
				expect(response.text).not.toContain(URL_SECRET);
				expect(response.text).not.toContain('hli:');
			}
		});
	});
});
