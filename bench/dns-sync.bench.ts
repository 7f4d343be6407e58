/**
 * DNS Record Sync benchmark (issue 6): 1,000 A records synced into an empty zone, then an identical
 * re-sync, on the Cloudflare simulator, the Vultr simulator and a real PowerDNS — requests made (by
 * method) and time. Baseline, measured in the same run on each backend: 20 single-record Upserts,
 * scaled per record, i.e. what publishing the records one by one costs.
 * Targets: the re-sync sends only reads; the Cloudflare sync stays under 1,200 requests / 5 min and
 * never sees a 429.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

import type { IDataObject } from 'n8n-workflow';

import { CLOUDFLARE_TOKEN, createCloudflareSimulator } from '../test/simulators/cloudflare';
import { createVultrSimulator, VULTR_API_KEY } from '../test/simulators/vultr';
import { vultrDomains } from '../test/simulators/vultr/dns';
import { runNode } from '../test/support/engine';
import { startPowerDns } from '../test/support/powerdns';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000);
const BASELINE = 20;

type Counter = { byMethod: Record<string, number> };

interface Backend {
	label: string;
	provider: string;
	zone: string;
	credentials: Record<string, IDataObject>;
	counter: Counter;
	after?: () => string;
	stop(): Promise<void>;
}

const total = (counter: Counter) => Object.values(counter.byMethod).reduce((a, b) => a + b, 0);
const writes = (counter: Counter) => total(counter) - (counter.byMethod.GET ?? 0);

async function measure(backend: Backend, action: () => Promise<{ error?: Error }>) {
	const before = { ...backend.counter.byMethod };
	const start = performance.now();
	const result = await action();
	if (result.error) throw result.error;
	const ms = performance.now() - start;
	const delta: Counter = { byMethod: {} };
	for (const [method, n] of Object.entries(backend.counter.byMethod))
		delta.byMethod[method] = n - (before[method] ?? 0);
	return { ms, delta };
}

function node(backend: Backend, operation: string, parameters: IDataObject) {
	return runNode(
		'dnsRecord',
		{
			provider: backend.provider,
			resource: 'record',
			operation,
			zone: { __rl: true, mode: 'name', value: backend.zone },
			ownerId: 'bench',
			...parameters,
		},
		{ credentials: backend.credentials },
	);
}

const fmt = (counter: Counter) =>
	`${String(total(counter)).padStart(5)} requests (${Object.entries(counter.byMethod)
		.filter(([, n]) => n)
		.map(([m, n]) => `${m} ${n}`)
		.join(', ')})`;

async function run(backend: Backend): Promise<boolean> {
	console.log(`\n== ${backend.label}`);
	let okay = true;
	const base = await measure(backend, async () => {
		for (let i = 0; i < BASELINE; i++) {
			const result = await node(backend, 'upsert', {
				name: `base${i}`,
				type: 'A',
				content: '198.51.100.1',
				ownerId: 'baseline',
			});
			if (result.error) return result;
		}
		return {};
	});
	const perRecordMs = base.ms / BASELINE;
	const perRecordRequests = total(base.delta) / BASELINE;
	console.log(
		`baseline: ${BASELINE} single upserts         ${fmt(base.delta)}  ${base.ms.toFixed(0)} ms  → ${perRecordRequests.toFixed(1)} req, ${perRecordMs.toFixed(1)} ms per record`,
	);

	const desired = JSON.stringify(
		Array.from({ length: RECORDS }, (_, i) => ({
			name: `svc${i}`,
			type: 'A',
			content: `203.0.113.${(i % 250) + 1}`,
		})),
	);
	const first = await measure(
		backend,
		async () => await node(backend, 'sync', { records: desired }),
	);
	console.log(
		`sync ${RECORDS} into the empty zone         ${fmt(first.delta)}  ${first.ms.toFixed(0)} ms`,
	);
	console.log(
		`   ratio vs one-by-one: requests ${(total(first.delta) / (perRecordRequests * RECORDS)).toFixed(3)}, time ${(first.ms / (perRecordMs * RECORDS)).toFixed(3)}`,
	);
	const again = await measure(
		backend,
		async () => await node(backend, 'sync', { records: desired }),
	);
	console.log(
		`identical re-sync                        ${fmt(again.delta)}  ${again.ms.toFixed(0)} ms  (${(again.ms / first.ms).toFixed(3)} of the first sync)`,
	);
	if (writes(again.delta) !== 0) {
		console.log('   FAIL: the re-sync sent mutating requests');
		okay = false;
	} else console.log('   target met: the re-sync sent only reads');
	const extra = backend.after?.();
	if (extra) {
		console.log(`   ${extra}`);
		if (extra.startsWith('FAIL')) okay = false;
	}
	return okay;
}

/** Counts requests to PowerDNS by method on their way through (the server itself keeps no such log). */
async function countingProxy(targetPort: number, counter: Counter): Promise<Server> {
	const server = createServer((req, res) => {
		counter.byMethod[req.method ?? '?'] = (counter.byMethod[req.method ?? '?'] ?? 0) + 1;
		const upstream = httpRequest(
			{
				host: '127.0.0.1',
				port: targetPort,
				path: req.url,
				method: req.method,
				headers: req.headers,
			},
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return server;
}

function simCounter(sim: { log: Array<{ method: string }> }): Counter {
	return {
		get byMethod() {
			const byMethod: Record<string, number> = {};
			for (const entry of sim.log) byMethod[entry.method] = (byMethod[entry.method] ?? 0) + 1;
			return byMethod;
		},
	};
}

async function main(): Promise<void> {
	const results: boolean[] = [];

	const cloudflare = createCloudflareSimulator();
	cloudflare.addZone('bench-cf.example.com');
	await cloudflare.listen();
	results.push(
		await run({
			label: 'Cloudflare simulator (1,200 requests / 5 min enforced)',
			provider: 'cloudflare',
			zone: 'bench-cf.example.com',
			credentials: { cloudflareDnsApi: { apiToken: CLOUDFLARE_TOKEN, baseUrl: cloudflare.url } },
			counter: simCounter(cloudflare),
			after: () => {
				const used = cloudflare.log.length;
				const verdict = cloudflare.rateLimited === 0 && used < 1_200 ? 'target met' : 'FAIL';
				return `${verdict}: ${used} requests in this 5-minute window (limit 1,200), ${cloudflare.rateLimited} answered 429`;
			},
			stop: async () => await cloudflare.close(),
		}),
	);
	await cloudflare.close();

	const vultr = createVultrSimulator({ conformance: false });
	vultrDomains(vultr).set('bench-vultr.example.net', {
		domain: 'bench-vultr.example.net',
		date_created: '2026-01-01T00:00:00+00:00',
		dns_sec: 'disabled',
		records: new Map(),
	});
	await vultr.listen();
	results.push(
		await run({
			label: 'Vultr simulator (30 requests/s pacing; records + owner TXT records)',
			provider: 'vultr',
			zone: 'bench-vultr.example.net',
			credentials: { vultrApi: { apiKey: VULTR_API_KEY, baseUrl: vultr.url } },
			counter: simCounter(vultr),
			after: () => `${vultr.log.filter((e) => e.status === 429).length} answered 429`,
			stop: async () => await vultr.close(),
		}),
	);
	await vultr.close();

	let pdns: Awaited<ReturnType<typeof startPowerDns>> | undefined;
	try {
		pdns = await startPowerDns();
	} catch (error) {
		console.log(`\n== PowerDNS skipped: ${(error as Error).message.split('\n')[0]}`);
	}
	if (pdns) {
		await pdns.createZone('bench-pdns.test');
		const counter: Counter = { byMethod: {} };
		const proxy = await countingProxy(Number(new URL(pdns.apiUrl).port), counter);
		try {
			results.push(
				await run({
					label: 'PowerDNS 4.7 (real server, sqlite3 backend)',
					provider: 'powerdns',
					zone: 'bench-pdns.test',
					credentials: {
						powerDnsApi: {
							baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
							apiKey: pdns.apiKey,
						},
					},
					counter,
					stop: async () => undefined,
				}),
			);
		} finally {
			proxy.close();
			await pdns.stop();
		}
	}
	console.log(results.every(Boolean) ? '\nall targets met' : '\nSOME TARGETS MISSED');
	process.exitCode = results.every(Boolean) ? 0 : 1;
}

void main();
