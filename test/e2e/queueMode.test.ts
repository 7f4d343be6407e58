/**
 * The package and its exported workflows on n8n's queue mode (test/support/n8nCluster.ts: Redis,
 * PostgreSQL, a main, two workers, a webhook processor). Webhooks are called at the webhook processor;
 * the executions run on the workers, as their logs and n8n's execution records show. Caddy is real, and
 * a deduplicating loopback server plays home.
 */

import {
	login,
	publishWorkflows,
	randomSecret,
	routeCredentials,
	WEBHOOK_CREDENTIAL,
	type WorkflowJson,
} from '../../scripts/n8n-instance';
import { startHome, type Home } from '../engine/heartbeatHome';
import { startCaddy, type CaddyServer } from '../support/caddy';
import { startUpstream, type Upstream } from '../support/http';
import { describeWithN8n } from '../support/n8n';
import { startN8nCluster, type N8nCluster } from '../support/n8nCluster';
import { waitFor } from '../support/process';
import { webhookCall, type WebhookAnswer } from '../support/webhookCall';
import {
	HEARTBEAT_TYPE,
	nodesOfType,
	onPostgres,
	shipped,
	STORE_CREDENTIAL,
	storeCredential,
} from '../support/queueModeWorkflows';
import { describeWithServer } from '../support/servers';

jest.setTimeout(120_000);

const PUBLISH_ID = 'hliPublishRoute01';
const UNPUBLISH_ID = 'hliUnpublishRte01';
const RECEIVER_ID = 'hliHeartbeatRecv1';
const RELAY_ID = 'hliOfflineRelay01';
const MONITOR_ID = 'hliHeartbeatMon01';
const DRAIN_ID = 'hliTestDrain0001';
const CADDY_TYPE = 'n8n-nodes-homelab-ingress.caddyRoute';
/** Drains in these tests retry every second, so home's flapping is not met by Svix's 5-minute waits. */
const TEST_DRAIN_OPTIONS = {
	retrySchedule: '1',
	maxAttempts: 1000,
	leaseSeconds: 5,
	concurrency: 8,
	batchSize: 10,
	maxDurationSeconds: 20,
};

const EMBEDDED_RELAY_ID = 'hliTestRelaySqlit';

/** The relay workflow as shipped (embedded store), at a path of its own. */
function embeddedRelay(): WorkflowJson {
	const relay = shipped(RELAY_ID);
	relay.id = EMBEDDED_RELAY_ID;
	relay.name = 'Test: relay on the embedded store';
	const webhook = relay.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')!;
	webhook.parameters.path = 'test/relay-embedded';
	webhook.webhookId = 'c3f9a4c2-8d7e-4d8e-b6f1-3e5a9b1c2d02';
	return relay;
}

/** A webhook that runs the Heartbeat node's Drain, so the tests can start drains on any worker. */
function drainWorkflow(): WorkflowJson {
	return {
		id: DRAIN_ID,
		name: 'Test: drain the offline queue',
		nodes: [
			{
				id: 'a8c6f0f4-1c1b-4a9e-9d53-0d0e5a3c7a01',
				name: 'Drain Request',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: 'c3f9a4c2-8d7e-4d8e-b6f1-3e5a9b1c2d01',
				parameters: {
					httpMethod: 'POST',
					path: 'test/drain',
					authentication: 'headerAuth',
					// As the shipped workflows do: with "When Last Node Finishes", n8n 2.41.1's webhook processor
					// left some calls unanswered under load although their executions had finished.
					responseMode: 'responseNode',
					options: {},
				},
				credentials: {
					httpHeaderAuth: { id: WEBHOOK_CREDENTIAL.id, name: WEBHOOK_CREDENTIAL.name },
				},
			},
			{
				id: 'a8c6f0f4-1c1b-4a9e-9d53-0d0e5a3c7a02',
				name: 'Drain',
				type: HEARTBEAT_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					storage: 'postgres',
					resource: 'queue',
					operation: 'drain',
					source: '',
					delivery: {},
					drainOptions: TEST_DRAIN_OPTIONS,
				},
				credentials: {
					homelabPostgresApi: { id: STORE_CREDENTIAL.id, name: STORE_CREDENTIAL.name },
				},
			},
			{
				id: 'a8c6f0f4-1c1b-4a9e-9d53-0d0e5a3c7a03',
				name: 'Respond',
				type: 'n8n-nodes-base.respondToWebhook',
				typeVersion: 1.5,
				position: [440, 0],
				parameters: { respondWith: 'firstIncomingItem', options: {} },
			},
		],
		connections: {
			'Drain Request': { main: [[{ node: 'Drain', type: 'main', index: 0 }]] },
			Drain: { main: [[{ node: 'Respond', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Longer than any execution here may take (a drain stops starting deliveries after 20 s). */
const CALL_TIMEOUT_MS = 60_000;

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

describeWithServer('caddy', 'n8n queue mode', () => {
	describeWithServer('postgresql', 'with PostgreSQL', () => {
		describeWithServer('redis', 'and Redis', () => {
			describeWithN8n('a main, two workers and a webhook processor', () => {
				const token = randomSecret();
				let caddy: CaddyServer;
				let upstream: Upstream;
				let home: Home;
				let notifications: Home;
				let cluster: N8nCluster;

				const call = async (
					method: 'POST' | 'DELETE',
					path: string,
					body: unknown,
					baseUrl = cluster.webhookUrl,
				): Promise<WebhookAnswer> =>
					await webhookCall(baseUrl, token, method, path, body, CALL_TIMEOUT_MS);
				const publish = async (host: string, upstreamAddress: string) =>
					await call('POST', 'ingress/routes', { host, upstream: upstreamAddress });
				const unpublish = async (host: string) => await call('DELETE', 'ingress/routes', { host });
				const beat = async (source: string, status: string) =>
					await call('POST', 'heartbeat', { source, status });
				const relay = async (source: string, n: number) =>
					await call('POST', 'ingress/relay', {
						source,
						method: 'POST',
						path: `/in/${source}/${n}`,
						body: JSON.stringify({ n }),
						idempotencyKey: `${source}-${n}`,
					});
				const drain = async () => await call('POST', 'test/drain', {});

				/** Managed routes in Caddy's config, by the hosts they match. */
				const managedRoutes = async () => {
					const config = JSON.parse(await caddy.config()) as {
						apps: {
							http: {
								servers: Record<
									string,
									{ routes?: Array<{ '@id'?: string; match?: Array<{ host?: string[] }> }> }
								>;
							};
						};
					};
					return (config.apps.http.servers.ingress.routes ?? []).filter((route) =>
						route['@id']?.startsWith('homelab-ingress_'),
					);
				};
				const executionsOf = async (workflowId: string, since = new Date(0)) =>
					(
						await cluster.query<{ id: string | number }>(
							'SELECT id FROM execution_entity WHERE "workflowId" = $1 AND "startedAt" >= $2',
							[workflowId, since],
						)
					).map((row) => String(row.id));
				const ranOn = (executionIds: string[]) =>
					cluster.workers.map(
						(worker) => executionIds.filter((id) => worker.executions.has(id)).length,
					);

				beforeAll(async () => {
					caddy = await startCaddy();
					upstream = await startUpstream('home-app');
					home = await startHome();
					notifications = await startHome();
					const publishCopy = shipped(PUBLISH_ID);
					// The one change to the shipped code path: the test upstream is on loopback.
					for (const node of nodesOfType(publishCopy, CADDY_TYPE)) {
						node.parameters.allowLoopback = true;
						node.parameters.allowedNetworks = '127.0.0.1/32';
					}
					const receiver = onPostgres(shipped(RECEIVER_ID));
					nodesOfType(receiver, HEARTBEAT_TYPE)[0].parameters.baseUrl = home.baseUrl;
					const monitor = onPostgres(shipped(MONITOR_ID));
					// A shorter cadence than the shipped minute, so the test sees two runs; notifications go to loopback.
					const trigger = monitor.nodes.find((node) => node.type.endsWith('scheduleTrigger'));
					trigger!.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 5 }] };
					const notify = monitor.nodes.find((node) => node.type.endsWith('httpRequest'));
					notify!.parameters.url = `${notifications.baseUrl}/ntfy`;
					for (const node of nodesOfType(monitor, HEARTBEAT_TYPE))
						if (node.parameters.operation === 'drain')
							node.parameters.drainOptions = TEST_DRAIN_OPTIONS;
					cluster = await startN8nCluster((postgres) => {
						return {
							credentials: [
								...routeCredentials(caddy.adminUrl, token),
								storeCredential(postgres, 'heartbeat'),
							],
							workflows: [
								publishCopy,
								shipped(UNPUBLISH_ID),
								receiver,
								onPostgres(shipped(RELAY_ID)),
								embeddedRelay(),
								monitor,
								drainWorkflow(),
							],
							// The monitor is published by its own test, so its drains do not run during the others.
							publish: [
								PUBLISH_ID,
								UNPUBLISH_ID,
								RECEIVER_ID,
								RELAY_ID,
								EMBEDDED_RELAY_ID,
								DRAIN_ID,
							],
						};
					});
				}, 300_000);

				afterAll(async () => {
					await cluster?.stop();
					await home?.close();
					await notifications?.close();
					await upstream?.close();
					await caddy?.stop();
				}, 120_000);

				it('takes production webhooks only at the webhook processor, not at the main', async () => {
					const atMain = await call(
						'POST',
						'ingress/routes',
						{ host: 'main.example.test', upstream: `127.0.0.1:${upstream.port}` },
						cluster.mainUrl,
					);
					expect(atMain.status).toBe(404);
					expect(await managedRoutes()).toHaveLength(0);
				});

				it('refuses the embedded store on the workers: the shipped relay answers 400, kind input', async () => {
					const refused = await call('POST', 'test/relay-embedded', {
						source: 'home',
						method: 'GET',
						path: '/x',
					});
					expect(refused).toEqual({
						status: 400,
						json: {
							error: expect.stringMatching(
								/^Invalid Storage: the embedded SQLite store cannot be used while n8n runs in queue mode/,
							),
							errorKind: 'input',
						},
					});
					expect(home.received).toHaveLength(0);
				});

				it('publishes 200 distinct hosts sent at once: 200 managed routes, each host once', async () => {
					const since = new Date();
					const hosts = Array.from({ length: 200 }, (_, i) => `q${i}.example.test`);
					const answers = await Promise.all(
						hosts.map(async (host) => await publish(host, `127.0.0.1:${upstream.port}`)),
					);
					expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
					expect(new Set(answers.map((answer) => answer.json.action))).toEqual(
						new Set(['created']),
					);
					const routes = await managedRoutes();
					const served = routes.flatMap((route) => route.match?.[0]?.host ?? []);
					expect(served).toHaveLength(200);
					expect(new Set(served)).toEqual(new Set(hosts));
					for (const host of [hosts[0], hosts[199]])
						await caddy.expectServed(host, '/x', 'home-app /x');
					// Both workers ran publish executions; the main and the webhook processor ran none.
					const executions = await executionsOf(PUBLISH_ID, since);
					expect(executions).toHaveLength(200);
					const perWorker = ranOn(executions);
					expect(perWorker[0] + perWorker[1]).toBe(200);
					expect(Math.min(...perWorker)).toBeGreaterThan(0);
				});

				it('converges 100 interleaved publish/unpublish calls of one host and a last publish to one route', async () => {
					const host = 'flip.example.test';
					const calls = Array.from({ length: 100 }, async (_, i) =>
						i % 2 === 0 ? await publish(host, `127.0.0.1:${20_000 + i}`) : await unpublish(host),
					);
					const answers = await Promise.all(calls);
					expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
					const last = await publish(host, `127.0.0.1:${upstream.port}`);
					expect(last.status).toBe(200);
					const routes = (await managedRoutes()).filter((route) =>
						route.match?.[0]?.host?.includes(host),
					);
					expect(routes).toHaveLength(1);
					expect(JSON.stringify(routes[0])).toContain(`127.0.0.1:${upstream.port}`);
					await caddy.expectServed(host, '/last', 'home-app /last');
				});

				it('relays 1,000 requests of 8 sources while home flaps, each delivered once and in order per source', async () => {
					const since = new Date();
					const started = Date.now();
					const sources = Array.from({ length: 8 }, (_, i) => `site${i}`);
					const perSource = 125;
					for (const source of sources) expect((await beat(source, 'online')).status).toBe(200);
					let producing = true;
					const flapping = (async () => {
						let online = true;
						while (producing) {
							await sleep(4_000);
							online = !online;
							if (online) await home.up();
							else await home.down();
							await Promise.all(
								sources.map(async (source) => await beat(source, online ? 'online' : 'offline')),
							);
						}
						await home.up();
						await Promise.all(sources.map(async (source) => await beat(source, 'online')));
					})();
					const draining = (async () => {
						while (producing) {
							await Promise.all([drain(), drain()]);
							await sleep(1_000);
						}
					})();
					const answers = await Promise.all(
						sources.map(async (source) => {
							const statuses: number[] = [];
							for (let n = 0; n < perSource; n++) statuses.push((await relay(source, n)).status);
							return statuses;
						}),
					);
					producing = false;
					const sendingSeconds = (Date.now() - started) / 1000;
					await Promise.all([flapping, draining]);
					const expectedKeys = sources.flatMap((source) =>
						Array.from({ length: perSource }, (_, n) => `${source}-${n}`),
					);
					await waitFor(
						'every relayed request to reach home',
						async () => {
							if (home.processed.length >= expectedKeys.length) return true;
							await Promise.all([drain(), drain()]);
							return home.processed.length >= expectedKeys.length;
						},
						90_000,
						200,
					);
					expect(new Set(answers.flat())).toEqual(new Set([200, 202]));
					expect(answers.flat().filter((status) => status === 202).length).toBeGreaterThan(0);
					// Exactly once: home acted on each key once, and on no other key.
					expect(home.processed).toHaveLength(expectedKeys.length);
					expect(new Set(home.processed)).toEqual(new Set(expectedKeys));
					// FIFO per source: the order home first acted on them is the order they were sent.
					for (const source of sources) {
						const order = home.processed
							.filter((key) => key.startsWith(`${source}-`))
							.map((key) => Number(key.slice(source.length + 1)));
						expect(order).toEqual(Array.from({ length: perSource }, (_, n) => n));
					}
					const drains = await executionsOf(DRAIN_ID, since);
					expect(Math.min(...ranOn(drains))).toBeGreaterThan(0);
					const relays = await executionsOf(RELAY_ID, since);
					expect(relays).toHaveLength(expectedKeys.length);
					expect(Math.min(...ranOn(relays))).toBeGreaterThan(0);
					process.stdout.write(
						`relay: ${home.received.length - home.processed.length} repeated deliveries absorbed by the idempotency key; ` +
							`${answers.flat().filter((status) => status === 202).length} of 1000 queued; drains per worker ${ranOn(drains).join('/')}; ` +
							`sent in ${sendingSeconds.toFixed(1)} s, all delivered after ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
					);
				}, 240_000);

				it('loses nothing when the worker draining is killed: the other worker takes the lease over', async () => {
					const sources = ['kill0', 'kill1', 'kill2', 'kill3'];
					const perSource = 60;
					for (const source of sources) expect((await beat(source, 'offline')).status).toBe(200);
					for (const source of sources)
						for (let n = 0; n < perSource; n++) expect((await relay(source, n)).status).toBe(202);
					const keys = sources.flatMap((source) =>
						Array.from({ length: perSource }, (_, n) => `${source}-${n}`),
					);
					const arrived = () => home.processed.filter((key) => keys.includes(key)).length;
					for (const source of sources) expect((await beat(source, 'online')).status).toBe(200);
					home.delayMs = 50;
					const before = new Set(cluster.workers.map((worker) => [...worker.executions]).flat());
					// One drain: it leases all four sources (concurrency 8), on whichever worker takes it.
					const firstDrain = drain().catch(() => undefined);
					await waitFor('the first deliveries', async () => arrived() >= 20, 30_000, 20);
					const holder = cluster.workers.find((worker) =>
						[...worker.executions].some((id) => !before.has(id)),
					);
					expect(holder).toBeDefined();
					const survivor = cluster.workers.find((worker) => worker !== holder)!;
					await holder!.kill();
					expect(holder!.running()).toBe(false);
					const atKill = arrived();
					expect(atKill).toBeLessThan(keys.length);
					await waitFor(
						'the survivor to deliver the rest after the lease lapses',
						async () => {
							if (arrived() >= keys.length) return true;
							await drain();
							return arrived() >= keys.length;
						},
						90_000,
						500,
					);
					void firstDrain;
					home.delayMs = 0;
					const processed = home.processed.filter((key) => keys.includes(key));
					expect(processed).toHaveLength(keys.length);
					expect(new Set(processed)).toEqual(new Set(keys));
					for (const source of sources) {
						const order = processed
							.filter((key) => key.startsWith(`${source}-`))
							.map((key) => Number(key.slice(source.length + 1)));
						expect(order).toEqual(Array.from({ length: perSource }, (_, n) => n));
					}
					// Repeats only of what the dead drainer had sent but not yet recorded: at most one batch per source.
					const received = home.received.filter((request) => keys.includes(request.key)).length;
					expect(received - keys.length).toBeLessThanOrEqual(
						sources.length * TEST_DRAIN_OPTIONS.batchSize,
					);
					expect(survivor.running()).toBe(true);
					process.stdout.write(
						`kill: ${atKill} of ${keys.length} delivered when ${holder!.name} was killed; ` +
							`${received - keys.length} repeated deliveries absorbed\n`,
					);
				});

				it('runs the heartbeat monitor on schedule: the main triggers it, a worker executes it', async () => {
					const since = new Date();
					const cookie = await login(cluster.mainUrl, cluster.owner);
					await publishWorkflows(cluster.mainUrl, cookie, [MONITOR_ID]);
					let runs: string[] = [];
					await waitFor(
						'two scheduled runs of the heartbeat monitor',
						async () => {
							runs = await executionsOf(MONITOR_ID, since);
							return runs.length >= 2;
						},
						40_000,
						500,
					);
					const records = await cluster.query<{ mode: string; status: string }>(
						'SELECT mode, status FROM execution_entity WHERE id = ANY($1::int[])',
						[runs.map(Number)],
					);
					expect(records.map((record) => record.mode)).toEqual(runs.map(() => 'trigger'));
					await waitFor(
						'the runs to finish',
						async () => {
							const done = await cluster.query<{ status: string }>(
								'SELECT status FROM execution_entity WHERE id = ANY($1::int[])',
								[runs.map(Number)],
							);
							return done.every((record) => record.status === 'success');
						},
						30_000,
						500,
					);
					// Started by a worker (its log names each run), enqueued by the main.
					expect(ranOn(runs).reduce((sum, count) => sum + count, 0)).toBe(runs.length);
					for (const id of runs)
						expect(cluster.main.output()).toContain(`Enqueued execution ${id}`);
				});
			});
		});
	});
});
