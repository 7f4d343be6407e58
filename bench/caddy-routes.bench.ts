/**
 * Caddy Route benchmark (issue 2 §7), against a real Caddy holding 1,000 managed routes:
 *   a) a raw admin-API change of one route (PATCH /id/<id>) — the baseline
 *   b) Upsert Route through our node in n8n's engine
 *   c) a full Caddyfile regenerate + POST /load (what editing a Caddyfile and reloading does)
 *   d) Sync Routes applying 100 changes in one call
 * plus a steady request load on an existing route during 50 publications (failed requests must be 0).
 * Prints p50/p95 and the ratios b/a (target ≤ 1.25), c/b and d/a (target ≤ 2).
 */
import { performance } from 'node:perf_hooks';

import { buildRoute } from '../nodes/CaddyRoute/helpers/routeConfig';
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

async function main(): Promise<void> {
	const caddy: CaddyServer = await startCaddy();
	const upstream = await startUpstream('steady');
	const credentials = { caddyAdminApi: { baseUrl: caddy.adminUrl } };
	const sync = async (routes: object[]) => {
		const result = await runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'sync',
				server: INGRESS,
				source: 'json',
				routesJson: JSON.stringify(routes),
				dryRun: false,
				allowLoopback: true,
				allowedNetworks: '127.0.0.1/32',
			},
			{ credentials },
		);
		if (result.error) throw result.error;
		return result.json[0];
	};
	const upsert = async (host: string, port: number) => {
		const result = await runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'upsert',
				server: INGRESS,
				hosts: host,
				upstreams: `127.0.0.1:${port}`,
				allowLoopback: true,
				allowedNetworks: '127.0.0.1/32',
				routeOptions: {},
			},
			{ credentials },
		);
		if (result.error) throw result.error;
	};
	try {
		// Route 0 proxies to a live loopback upstream; the others point at unused loopback ports and get no traffic.
		const base = desiredRoutes((i) => (i === 0 ? upstream.port : 20_000 + i));
		await sync(base);
		console.log(
			`Caddy ${caddy.pid}: ${ROUTES} managed routes loaded (config ${(Buffer.byteLength(await caddy.config()) / 1024).toFixed(0)} KiB)\n`,
		);

		const target = 'site-500.example.com';
		const targetId = 'homelab-ingress_site-500.example.com@ingress';
		const raw: number[] = [];
		const node: number[] = [];
		for (let i = 0; i < SAMPLES; i++) {
			// alternate a and b so drift on a shared machine hits both equally
			const route = rawRoute({ hosts: target, upstreams: `127.0.0.1:${30_000 + i}` });
			raw.push(
				await timed(async () => {
					const response = await fetch(`${caddy.adminUrl}/id/${targetId}`, {
						method: 'PATCH',
						headers: { 'Content-Type': 'application/json' },
						body: JSON.stringify(route),
					});
					if (!response.ok)
						throw new Error(`raw PATCH failed: ${response.status} ${await response.text()}`);
				}),
			);
			node.push(await timed(() => upsert(target, 40_000 + i)));
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
		const b = summary('(b) Upsert Route through the node', node);
		const c = summary('(c) Caddyfile regenerate + /load', caddyfileTimes);
		const d = summary('(d) Sync Routes applying 100 changes', syncTimes);
		const ratio = (x: number, y: number) => (x / y).toFixed(2);
		console.log('');
		console.log(
			`b/a = ${ratio(b.p50, a.p50)} (p50)   target ≤ 1.25  ${b.p50 / a.p50 <= 1.25 ? 'MET' : 'MISSED'}`,
		);
		console.log(`c/b = ${ratio(c.p50, b.p50)} (p50)`);
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
