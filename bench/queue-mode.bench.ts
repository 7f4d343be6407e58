/**
 * n8n's queue mode against regular mode on this machine, in one run (issue 15):
 * - relay webhook throughput: 202 answers per second while home is offline (every request is queued in
 *   PostgreSQL), in regular mode, in queue mode with two workers, and with one worker;
 * - publish-route latency (p50 of sequential publications of distinct hosts to a real Caddy), regular
 *   against queue mode.
 * Both modes use the same PostgreSQL store for the Heartbeat node; n8n's own database is SQLite in regular
 * mode (its default) and PostgreSQL in queue mode (which needs it). Prints the numbers and the ratios.
 * Needs HLI_N8N_BIN (scripts/install-n8n.sh prints it) and a built dist/ (npm run build).
 */
import { readFileSync } from 'node:fs';

import { randomSecret, routeCredentials, type WorkflowJson } from '../scripts/n8n-instance';
import { startCaddy, type CaddyServer } from '../test/support/caddy';
import { startUpstream } from '../test/support/http';
import { startTestN8n } from '../test/support/n8n';
import { startN8nCluster } from '../test/support/n8nCluster';
import { startPostgres } from '../test/support/postgres';
import {
	nodesOfType,
	onPostgres,
	shipped,
	storeCredential,
} from '../test/support/queueModeWorkflows';
import { webhookCall } from '../test/support/webhookCall';
import { childrenOf } from './support/procfs';

const RELAYS = Number(process.env.BENCH_RELAYS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PUBLISHES = Number(process.env.BENCH_PUBLISHES ?? 30);
const CALL_TIMEOUT_MS = 60_000;
const PUBLISH_ID = 'hliPublishRoute01';
const RELAY_ID = 'hliOfflineRelay01';

/**
 * CPU time (user + system) a process and its live children (PostgreSQL's backends, n8n's task runner)
 * have used so far, in ms (/proc counts in ticks of 10 ms).
 */
function cpuMs(pid: number): number {
	let total = 0;
	for (const each of [pid, ...childrenOf(pid)]) {
		try {
			const stat = readFileSync(`/proc/${each}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			total += (Number(fields[11]) + Number(fields[12])) * 10;
		} catch {
			// exited meanwhile
		}
	}
	return total;
}

/** Runs `work` and returns, besides its result, the CPU ms each named process spent per relay meanwhile. */
async function withCpu<T>(
	pids: Record<string, number>,
	work: () => Promise<T>,
): Promise<{ result: T; cpuPerRelay: Record<string, number> }> {
	const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
	const result = await work();
	const cpuPerRelay = Object.fromEntries(
		Object.entries(pids).map(([name, pid]) => [name, (cpuMs(pid) - before[name]) / RELAYS]),
	);
	return { result, cpuPerRelay };
}

function showCpu(label: string, cpu: Record<string, number>): void {
	const parts = Object.entries(cpu).map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
	const total = Object.values(cpu).reduce((sum, ms) => sum + ms, 0);
	console.log(`  CPU ms per relay, ${label}: ${parts.join(', ')}; total ${total.toFixed(1)}`);
}

interface Target {
	baseUrl: string;
	token: string;
}

/** RELAYS relay calls, CONCURRENCY at a time, for a source that has never sent a beat: each answers 202. */
async function relayThroughput(target: Target, label: string): Promise<number> {
	let next = 0;
	const started = performance.now();
	const caller = async () => {
		while (next < RELAYS) {
			const n = next++;
			const answer = await webhookCall(
				target.baseUrl,
				target.token,
				'POST',
				'ingress/relay',
				{ source: `bench-${label}`, method: 'POST', path: `/in/${n}`, body: String(n) },
				CALL_TIMEOUT_MS,
			);
			if (answer.status !== 202)
				throw new Error(
					`relay ${n} (${label}) answered ${answer.status} ${JSON.stringify(answer.json)}`,
				);
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, caller));
	return RELAYS / ((performance.now() - started) / 1000);
}

/** p50 of PUBLISHES sequential publications of distinct hosts, in ms. */
async function publishP50(target: Target, label: string, upstreamPort: number): Promise<number> {
	const times: number[] = [];
	for (let i = 0; i < PUBLISHES; i++) {
		const started = performance.now();
		const answer = await webhookCall(
			target.baseUrl,
			target.token,
			'POST',
			'ingress/routes',
			{ host: `${label}-${i}.bench.example.test`, upstream: `127.0.0.1:${upstreamPort}` },
			CALL_TIMEOUT_MS,
		);
		times.push(performance.now() - started);
		if (answer.status !== 200)
			throw new Error(
				`publish ${i} (${label}) answered ${answer.status} ${JSON.stringify(answer.json)}`,
			);
	}
	return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function workflows(): WorkflowJson[] {
	const publish = shipped(PUBLISH_ID);
	for (const node of nodesOfType(publish, 'n8n-nodes-homelab-ingress.caddyRoute')) {
		node.parameters.allowLoopback = true;
		node.parameters.allowedNetworks = '127.0.0.1/32';
	}
	return [publish, onPostgres(shipped(RELAY_ID))];
}

async function main(): Promise<void> {
	const token = randomSecret();
	const caddy: CaddyServer = await startCaddy();
	const upstream = await startUpstream('bench');
	const results: Record<string, number> = {};
	const cpu: Record<string, Record<string, number>> = {};
	try {
		const store = await startPostgres();
		const regular = await startTestN8n({
			credentials: [...routeCredentials(caddy.adminUrl, token), storeCredential(store, 'bench')],
			workflows: workflows(),
			publish: [PUBLISH_ID, RELAY_ID],
		});
		try {
			const target = { baseUrl: regular.baseUrl, token };
			const measured = await withCpu(
				{ n8n: regular.n8n.pid, postgres: store.pid() },
				async () => await relayThroughput(target, 'regular'),
			);
			results.regularRelayPerSecond = measured.result;
			cpu.regular = measured.cpuPerRelay;
			results.regularPublishP50 = await publishP50(target, 'regular', upstream.port);
		} finally {
			await regular.stop();
			await store.stop();
		}

		const cluster = await startN8nCluster((postgres) => ({
			credentials: [...routeCredentials(caddy.adminUrl, token), storeCredential(postgres, 'bench')],
			workflows: workflows(),
			publish: [PUBLISH_ID, RELAY_ID],
		}));
		try {
			const target = { baseUrl: cluster.webhookUrl, token };
			const pids = () => ({
				webhook: cluster.webhook.pid,
				...Object.fromEntries(
					cluster.workers
						.filter((worker) => worker.running())
						.map((worker) => [worker.name, worker.pid]),
				),
				main: cluster.main.pid,
				postgres: cluster.postgres.pid(),
				redis: cluster.redis.pid,
			});
			const two = await withCpu(pids(), async () => await relayThroughput(target, 'two'));
			results.twoWorkersRelayPerSecond = two.result;
			cpu.twoWorkers = two.cpuPerRelay;
			results.queuePublishP50 = await publishP50(target, 'queue', upstream.port);
			await cluster.workers[1].stop();
			const one = await withCpu(pids(), async () => await relayThroughput(target, 'one'));
			results.oneWorkerRelayPerSecond = one.result;
			cpu.oneWorker = one.cpuPerRelay;
		} finally {
			await cluster.stop();
		}
	} finally {
		await upstream.close();
		await caddy.stop();
	}

	const rate = (value: number) => `${value.toFixed(1)} /s`;
	const ms = (value: number) => `${value.toFixed(0)} ms`;
	console.log(`relay (202 answers, ${RELAYS} calls, ${CONCURRENCY} at a time):`);
	console.log(`  regular mode               ${rate(results.regularRelayPerSecond)}`);
	console.log(`  queue mode, 1 worker       ${rate(results.oneWorkerRelayPerSecond)}`);
	console.log(`  queue mode, 2 workers      ${rate(results.twoWorkersRelayPerSecond)}`);
	console.log(
		`  2 workers / 1 worker       ${(results.twoWorkersRelayPerSecond / results.oneWorkerRelayPerSecond).toFixed(2)}`,
	);
	console.log(
		`  2 workers / regular        ${(results.twoWorkersRelayPerSecond / results.regularRelayPerSecond).toFixed(2)}`,
	);
	showCpu('regular', cpu.regular);
	showCpu('1 worker', cpu.oneWorker);
	showCpu('2 workers', cpu.twoWorkers);
	console.log(`publish p50 (${PUBLISHES} sequential publications):`);
	console.log(`  regular mode               ${ms(results.regularPublishP50)}`);
	console.log(`  queue mode                 ${ms(results.queuePublishP50)}`);
	console.log(
		`  queue / regular            ${(results.queuePublishP50 / results.regularPublishP50).toFixed(2)}`,
	);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
