/**
 * Caddy Route benchmark against a real Caddy.
 *
 * One change at any size (issue 14 §3): with 100, 1,000 and 5,000 managed routes, creating a new host,
 * updating it and deleting it through the node in n8n's engine, each against one raw admin-API call
 * doing the same (POST to the server's routes, PATCH /id/<id>, DELETE /id/<id>), alternated sample by
 * sample. Target: node ≤ 1.1× raw for each. Also the floor under any node: n8n's engine and HTTP stack
 * around one small admin request (Route → Get) against the same bare request; and the guard alone,
 * without n8n: a change that first reads its ETag for If-Match against the same change sent blind.
 * With HLI_N8N_BIN set (and a built dist/), also publishing a new host through the shipped
 * publish-route webhook in a real n8n against the same webhook driving n8n's HTTP Request node with
 * one raw admin POST (target ≤ 1.1×).
 *
 * At 1,000 routes also (issue 2 §7):
 *   c) a full Caddyfile regenerate + POST /load (what editing a Caddyfile and reloading does)
 *   d) Sync Routes applying 100 changes in one call (target ≤ 2× a raw change)
 * plus a steady request load on an existing route during 50 publications (failed requests must be 0).
 */
import { performance } from 'node:perf_hooks';

import {
	BUCKET_COUNT,
	bucketIdFor,
	hostBucket,
	parseBucket,
	tierOf,
} from '../nodes/CaddyRoute/helpers/routeBuckets';
import { computeEtag } from '../nodes/CaddyRoute/transport';
import { buildRoute } from '../nodes/CaddyRoute/helpers/routeConfig';
import { randomSecret, routeCredentials, shippedWorkflows } from '../scripts/n8n-instance';
import { startTestN8n } from '../test/support/n8n';
import { withoutPackageNodes } from './support/webhookBaseline';
import { parseRouteSpec, type RouteInput } from '../nodes/CaddyRoute/helpers/routeSpec';
import { startCaddy, type CaddyServer } from '../test/support/caddy';
import { runNode } from '../test/support/engine';
import { httpCall, startUpstream } from '../test/support/http';
import { literalPins } from '../test/support/pins';

/** The JSON the node would write for a route, built offline for the raw admin-API baseline. */
function rawRoute(input: RouteInput) {
	const spec = parseRouteSpec(input);
	return buildRoute(spec, 'ingress', literalPins(spec));
}

const ROUTES = 1_000;
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,5000').split(',').map(Number);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const INGRESS = { __rl: true, mode: 'name', value: 'ingress' };

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((x, y) => x - y);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(label: string, values: number[]): { p50: number; p95: number } {
	const result = { p50: percentile(values, 50), p95: percentile(values, 95) };
	console.log(
		`${label.padEnd(46)} p50 ${result.p50.toFixed(1).padStart(7)} ms   p95 ${result.p95.toFixed(1).padStart(7)} ms   (n=${values.length})`,
	);
	return result;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
	const start = performance.now();
	await action();
	return performance.now() - start;
}

function desiredRoutes(upstreamPort: (i: number) => number) {
	return Array.from({ length: ROUTES }, (_, i) => ({
		hosts: `site-${i}.example.com`,
		upstreams: `127.0.0.1:${upstreamPort(i)}`,
	}));
}

interface LoadResult {
	requests: number;
	resets: number;
	failures: number;
}

/**
 * Four clients request an existing route (site-0) while `publish` runs 50 times. Caddy 2.6 resets a
 * few connections that arrive while it swaps servers on each reload; a client retries such an
 * idempotent request once, as HTTP allows (RFC 9110 §9.2.2), and only what still fails counts.
 */
async function steadyLoadDuring(
	caddy: CaddyServer,
	publish: (i: number) => Promise<unknown>,
): Promise<LoadResult> {
	const result: LoadResult = { requests: 0, resets: 0, failures: 0 };
	const get = () => httpCall(caddy.httpPort, { host: 'site-0.example.com', path: '/steady' });
	let publishing = true;
	const client = async () => {
		while (publishing) {
			result.requests++;
			let response;
			try {
				response = await get();
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') {
					result.failures++;
					continue;
				}
				result.resets++;
				response = await get().catch(() => undefined);
			}
			if (response?.status !== 200 || !response.body.startsWith('steady')) result.failures++;
		}
	};
	const clients = [client(), client(), client(), client()];
	try {
		for (let i = 0; i < 50; i++) await publish(i);
	} finally {
		publishing = false;
		await Promise.all(clients);
	}
	return result;
}

function nodeOperations(adminUrl: string) {
	const credentials = { caddyAdminApi: { baseUrl: adminUrl } };
	const run = async (parameters: Record<string, unknown>) => {
		const result = await runNode(
			'caddyRoute',
			{
				resource: 'route',
				server: INGRESS,
				allowLoopback: true,
				allowedNetworks: '127.0.0.1/32',
				...parameters,
			},
			{ credentials },
		);
		if (result.error) throw result.error;
		return result.json[0];
	};
	return {
		credentials,
		sync: (routes: object[]) =>
			run({ operation: 'sync', source: 'json', routesJson: JSON.stringify(routes), dryRun: false }),
		upsert: (host: string, port: number) =>
			run({
				operation: 'upsert',
				hosts: host,
				upstreams: `127.0.0.1:${port}`,
				routeOptions: {},
			}),
		remove: (host: string) => run({ operation: 'delete', host, path: '' }),
		get: (host: string) => run({ operation: 'get', host, path: '' }),
	};
}

async function adminCall(
	caddy: CaddyServer,
	method: string,
	path: string,
	body?: object,
	headers: Record<string, string> = {},
) {
	const response = await fetch(`${caddy.adminUrl}${path}`, {
		method,
		headers: body ? { 'Content-Type': 'application/json', ...headers } : headers,
		body: body ? JSON.stringify(body) : undefined,
	});
	if (!response.ok)
		throw new Error(`raw ${method} ${path}: ${response.status} ${await response.text()}`);
}

interface ScaleResult {
	size: number;
	/** n8n's own cost for one admin request (engine + HTTP stack), over a bare request: no node goes below it. */
	floor: number;
	/** Without n8n: a change guarded by If-Match (read the ETag, then write) over the same change sent blind. */
	guard: number;
	rows: Array<{ label: string; raw: number; node: number }>;
}

/**
 * Create, update and delete of one route with `size` managed routes in Caddy: the node against one raw
 * admin call each, alternated sample by sample so drift on a shared machine hits both equally.
 */
async function measureAtSize(size: number): Promise<ScaleResult> {
	const caddy = await startCaddy();
	const ops = nodeOperations(caddy.adminUrl);
	const times = {
		createRaw: [] as number[],
		createNode: [] as number[],
		updateRaw: [] as number[],
		updateNode: [] as number[],
		deleteRaw: [] as number[],
		deleteNode: [] as number[],
		readRaw: [] as number[],
		readNode: [] as number[],
		blindWrite: [] as number[],
		guardedWrite: [] as number[],
	};
	try {
		await ops.sync(
			Array.from({ length: size }, (_, i) => ({
				hosts: `site-${i}.example.com`,
				upstreams: `127.0.0.1:${20_000 + i}`,
			})),
		);
		const serverRoutes = '/config/apps/http/servers/ingress/routes';
		const siteId = 'homelab-ingress_site-1.example.com@ingress';
		const siteBucket = `/id/${bucketIdFor('ingress', { tier: tierOf(false, false), bucket: hostBucket('site-1.example.com') })}`;
		// The same bucket with a marker var (the vars handler takes any), so every write changes it.
		const marked = async (sample: number) => {
			const body = Buffer.from(await (await fetch(`${caddy.adminUrl}${siteBucket}`)).arrayBuffer());
			const bucket = JSON.parse(body.toString('utf8'));
			bucket.handle[0].bench_sample = sample;
			return { bucket, etag: computeEtag(parseBucket(bucket).path as string, body) };
		};
		for (let i = 0; i < SAMPLES; i++) {
			const rawHost = `raw-${i}.example.com`;
			const rawId = `homelab-ingress_${rawHost}@ingress`;
			const route = (port: number) => rawRoute({ hosts: rawHost, upstreams: `127.0.0.1:${port}` });
			// The raw route's whole life first, then the node's: each starts from the same config (the
			// managed routes and nothing else), and drift still hits both sides of every sample.
			times.createRaw.push(
				await timed(() => adminCall(caddy, 'POST', serverRoutes, route(30_001))),
			);
			times.updateRaw.push(
				await timed(() => adminCall(caddy, 'PATCH', `/id/${rawId}`, route(30_002))),
			);
			times.deleteRaw.push(await timed(() => adminCall(caddy, 'DELETE', `/id/${rawId}`)));
			times.createNode.push(await timed(() => ops.upsert(`new-${i}.example.com`, 30_001)));
			times.updateNode.push(await timed(() => ops.upsert(`new-${i}.example.com`, 30_002)));
			times.deleteNode.push(
				await timed(async () => {
					const outcome = await ops.remove(`new-${i}.example.com`);
					if (outcome.removed !== true) throw new Error('the node removed nothing');
				}),
			);
			// The floor: what n8n's engine and HTTP stack add to one small admin request (Route → Get),
			// in alternating order, as the first request after a change waits for Caddy to settle.
			const reads = [
				async () => times.readRaw.push(await timed(() => adminCall(caddy, 'GET', `/id/${siteId}`))),
				async () =>
					times.readNode.push(
						await timed(async () => {
							if ((await ops.get('site-1.example.com')).found !== true)
								throw new Error('no site-1');
						}),
					),
			];
			for (const read of i % 2 ? reads : reads.reverse()) await read();
			// What "concurrent changes never lost" costs by itself, with no n8n: the read that yields the
			// ETag, then the write under If-Match, against the same write sent blind.
			const blind = await marked(2 * i);
			times.blindWrite.push(await timed(() => adminCall(caddy, 'PATCH', siteBucket, blind.bucket)));
			times.guardedWrite.push(
				await timed(async () => {
					const { bucket, etag } = await marked(2 * i + 1);
					await adminCall(caddy, 'PATCH', siteBucket, bucket, { 'If-Match': etag });
				}),
			);
		}
	} finally {
		await caddy.stop();
	}
	console.log(`With ${size} managed routes:`);
	const row = (label: string, raw: number[], node: number[]) => ({
		label,
		raw: summary(`  raw admin call: ${label}`, raw).p50,
		node: summary(`  node: ${label}`, node).p50,
	});
	const floor =
		summary('  node: get a route (one small GET)', times.readNode).p50 -
		summary('  raw admin call: the same GET', times.readRaw).p50;
	const guard =
		summary('  raw: read the ETag, then PATCH under If-Match', times.guardedWrite).p50 /
		summary('  raw: the same PATCH sent blind', times.blindWrite).p50;
	return {
		size,
		floor,
		guard,
		rows: [
			row('create a new host', times.createRaw, times.createNode),
			row('update its upstream', times.updateRaw, times.updateNode),
			row('delete it', times.deleteRaw, times.deleteNode),
		],
	};
}

const WEBHOOK_ROUTES = 1_000;

/**
 * Publishing a new host through the shipped publish-route webhook in a real n8n, against the same
 * webhook driving n8n's HTTP Request node with one raw admin POST, both in one n8n, alternated.
 */
async function webhookComparison(): Promise<void> {
	if (!process.env.HLI_N8N_BIN) {
		console.log('webhook comparison skipped: HLI_N8N_BIN is not set (bash scripts/install-n8n.sh)');
		return;
	}
	const caddy = await startCaddy();
	const upstream = await startUpstream('bench-home');
	const token = randomSecret();
	const publish = structuredClone(shippedWorkflows().find((w) => w.id === 'hliPublishRoute01')!);
	for (const node of publish.nodes)
		if (node.type.endsWith('.caddyRoute')) {
			node.parameters.allowLoopback = true;
			node.parameters.allowedNetworks = '127.0.0.1/32';
		}
	const baseline = withoutPackageNodes(publish, caddy.adminUrl);
	for (const node of baseline.nodes)
		if (node.type === 'n8n-nodes-base.webhook') node.parameters.path = 'ingress/baseline-routes';
	const n8n = await startTestN8n({
		credentials: routeCredentials(caddy.adminUrl, token),
		workflows: [publish, baseline],
		publish: [publish.id, baseline.id],
	});
	const call = async (path: string, host: string) => {
		const response = await fetch(`${n8n.baseUrl}/webhook/${path}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
			body: JSON.stringify({ host, upstream: `127.0.0.1:${upstream.port}` }),
			signal: AbortSignal.timeout(30_000),
		});
		if (response.status !== 200)
			throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
	};
	try {
		await nodeOperations(caddy.adminUrl).sync(
			Array.from({ length: WEBHOOK_ROUTES }, (_, i) => ({
				hosts: `site-${i}.example.com`,
				upstreams: `127.0.0.1:${20_000 + i}`,
			})),
		);
		// The baseline appends an unmanaged route after the buckets; it is removed (untimed) after each
		// call, so every sample starts from the same config: managed routes and nothing else.
		const appended = `/config/apps/http/servers/ingress/routes/${BUCKET_COUNT}`;
		const removeBaselineRoute = async (host: string) => {
			const match = await fetch(`${caddy.adminUrl}${appended}/match`).then((r) => r.text());
			if (!match.includes(`"${host}"`))
				throw new Error(`the baseline's route is not at ${appended}`);
			await adminCall(caddy, 'DELETE', appended);
		};
		const viaNode: number[] = [];
		const viaHttpRequest: number[] = [];
		for (let i = 0; i < 3; i++) {
			await call('ingress/routes', `warm-${i}.example.com`);
			await call('ingress/baseline-routes', `warm-base-${i}.example.com`);
			await removeBaselineRoute(`warm-base-${i}.example.com`);
		}
		for (let i = 0; i < SAMPLES; i++) {
			viaHttpRequest.push(
				await timed(() => call('ingress/baseline-routes', `base-${i}.example.com`)),
			);
			await removeBaselineRoute(`base-${i}.example.com`);
			viaNode.push(await timed(() => call('ingress/routes', `hook-${i}.example.com`)));
		}
		console.log(`Publishing a new host through the webhook, ${WEBHOOK_ROUTES} managed routes:`);
		const base = summary('  HTTP Request node, one raw admin POST', viaHttpRequest);
		const ours = summary('  publish-route with Caddy Route', viaNode);
		const ratio = ours.p50 / base.p50;
		console.log(
			`  webhook: node / HTTP Request = ${ratio.toFixed(2)} (p50)   target ≤ 1.10  ${ratio <= 1.1 ? 'MET' : 'MISSED'}`,
		);
	} finally {
		await n8n.stop();
		await upstream.close();
		await caddy.stop();
	}
}

async function main(): Promise<void> {
	const scale: ScaleResult[] = [];
	for (const size of SIZES) scale.push(await measureAtSize(size));
	console.log('\nOne change at any size: node p50 / raw admin call p50   (target ≤ 1.10 each)');
	for (const { size, rows } of scale) {
		const cells = rows.map(({ label, raw, node }) => {
			const ratio = node / raw;
			return `${label} ${ratio.toFixed(2)} ${ratio <= 1.1 ? 'MET' : 'MISSED'}`;
		});
		console.log(`  ${String(size).padStart(5)} routes: ${cells.join('   ')}`);
	}
	console.log(
		"The floor: n8n's engine and HTTP stack around one admin request, over a bare request",
	);
	for (const { size, floor, rows } of scale) {
		const raw = rows[0].raw;
		console.log(
			`  ${String(size).padStart(5)} routes: +${floor.toFixed(1)} ms, so one request through n8n is at best ${((raw + floor) / raw).toFixed(2)}× a raw create`,
		);
	}
	console.log(
		'The guard alone, no n8n: a change read first for If-Match, over the same change sent blind',
	);
	for (const { size, guard } of scale)
		console.log(`  ${String(size).padStart(5)} routes: ${guard.toFixed(2)}×`);
	console.log('');
	await webhookComparison();
	console.log('');

	const caddy: CaddyServer = await startCaddy();
	const upstream = await startUpstream('steady');
	const { credentials, sync, upsert } = nodeOperations(caddy.adminUrl);
	try {
		// Route 0 proxies to a live loopback upstream; the others point at unused loopback ports and get no traffic.
		const base = desiredRoutes((i) => (i === 0 ? upstream.port : 20_000 + i));
		await sync(base);
		console.log(
			`Caddy ${caddy.pid}: ${ROUTES} managed routes loaded (config ${(Buffer.byteLength(await caddy.config()) / 1024).toFixed(0)} KiB)\n`,
		);
		const raw: number[] = [];
		const target = 'site-500.example.com';
		const targetId = 'homelab-ingress_site-500.example.com@ingress';
		for (let i = 0; i < Math.max(5, Math.floor(SAMPLES / 3)); i++) {
			const route = rawRoute({ hosts: target, upstreams: `127.0.0.1:${30_000 + i}` });
			raw.push(await timed(() => adminCall(caddy, 'PATCH', `/id/${targetId}`, route)));
		}
		await sync(base);

		const syncTimes: number[] = [];
		for (let round = 1; round <= Math.max(5, Math.floor(SAMPLES / 3)); round++) {
			const changed = desiredRoutes((i) =>
				i === 0 ? upstream.port : i % 10 === 5 ? 50_000 + round : 20_000 + i,
			);
			const before = await caddy.config();
			syncTimes.push(
				await timed(async () => {
					const outcome = await sync(changed);
					if ((outcome.updated as string[]).length !== 100)
						throw new Error(`expected 100 updates, got ${(outcome.updated as string[]).length}`);
				}),
			);
			if ((await caddy.config()) === before) throw new Error('sync changed nothing');
		}

		const rawPublications = await steadyLoadDuring(caddy, async (i) => {
			const route = rawRoute({
				hosts: `raw-${i}.example.com`,
				upstreams: `127.0.0.1:${61_000 + i}`,
			});
			const response = await fetch(`${caddy.adminUrl}/config/apps/http/servers/ingress/routes`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(route),
			});
			if (!response.ok) throw new Error(`raw publication failed: ${response.status}`);
		});
		const nodePublications = await steadyLoadDuring(caddy, (i) =>
			upsert(`new-${i}.example.com`, 60_000 + i),
		);

		const jsonConfig = await caddy.config();
		const caddyfileTimes: number[] = [];
		for (let i = 0; i < Math.max(5, Math.floor(SAMPLES / 3)); i++) {
			caddyfileTimes.push(
				await timed(async () => {
					const exported = await runNode(
						'caddyRoute',
						{
							resource: 'server',
							operation: 'exportCaddyfile',
							server: INGRESS,
							binaryPropertyName: 'data',
						},
						{ credentials },
					);
					if (exported.error) throw exported.error;
					const response = await fetch(`${caddy.adminUrl}/load`, {
						method: 'POST',
						headers: { 'Content-Type': 'text/caddyfile', 'Cache-Control': 'must-revalidate' },
						// the export holds routes only; keep this instance's admin listener when loading it
						body: String(exported.json[0].caddyfile).replace(
							'{\n\tauto_https off',
							`{\n\tadmin 127.0.0.1:${caddy.adminPort}\n\tauto_https off`,
						),
					});
					if (!response.ok)
						throw new Error(`/load failed: ${response.status} ${await response.text()}`);
				}),
			);
			// the Caddyfile replaced the JSON config (other server names): restore it for the next round
			const restored = await fetch(`${caddy.adminUrl}/load`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: jsonConfig,
			});
			if (!restored.ok) throw new Error(`restoring the JSON config failed: ${restored.status}`);
		}

		console.log(`Results with ${ROUTES} managed routes in Caddy:`);
		const a = summary('(a) raw admin API change of one route', raw);
		const c = summary('(c) Caddyfile regenerate + /load', caddyfileTimes);
		const d = summary('(d) Sync Routes applying 100 changes', syncTimes);
		const ratio = (x: number, y: number) => (x / y).toFixed(2);
		console.log('');
		console.log(`c/a = ${ratio(c.p50, a.p50)} (p50)`);
		console.log(
			`d/a = ${ratio(d.p50, a.p50)} (p50)   target ≤ 2     ${d.p50 / a.p50 <= 2 ? 'MET' : 'MISSED'}`,
		);
		const describeLoad = (label: string, load: LoadResult) =>
			console.log(
				`${label}: ${load.requests} requests, ${load.resets} reset by Caddy's reload and retried once, ${load.failures} failed`,
			);
		describeLoad('steady load during 50 raw admin-API publications (baseline)', rawPublications);
		describeLoad('steady load during 50 publications through the node      ', nodePublications);
		console.log(
			`failed requests during node publications: ${nodePublications.failures}   target 0  ${nodePublications.failures === 0 ? 'MET' : 'MISSED'}`,
		);
	} finally {
		await upstream.close();
		await caddy.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
