/**
 * Resident memory of a real n8n 2.41.1 with and without this package (issue 2 §7): the VPS in mind has
 * 1 GB of RAM and runs n8n, so the package may add at most 30 MB. Measured idle, and after 100
 * publications through the publish-route webhook against a real Caddy. The baseline n8n serves the same
 * webhooks with built-in nodes only (Webhook → If → Respond) and gets the same 100 calls, so n8n's own
 * growth from running executions is in both. RSS is summed over n8n's whole process tree (the main
 * process and its task runner), sampled several times, median taken.
 * Needs HLI_N8N_BIN (scripts/install-n8n.sh prints it) and a built dist/ (npm run build).
 */
import { readFileSync } from 'node:fs';

import {
	randomSecret,
	routeCredentials,
	shippedWorkflows,
	type WorkflowJson,
} from '../scripts/n8n-instance';
import { withoutPackageNodes } from './support/webhookBaseline';
import { startCaddy } from '../test/support/caddy';
import { startUpstream } from '../test/support/http';
import { startTestN8n, type TestN8n } from '../test/support/n8n';
import { childrenOf } from './support/procfs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 15_000);

function rssKiB(pid: number): number {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
	} catch {
		return 0;
	}
}

function treeRssMiB(root: number): number {
	let total = 0;
	const pending = [root];
	while (pending.length) {
		const pid = pending.pop()!;
		total += rssKiB(pid);
		pending.push(...childrenOf(pid));
	}
	return total / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function settledRss(pid: number): Promise<number> {
	await sleep(SETTLE_MS);
	const samples: number[] = [];
	for (let i = 0; i < 5; i++) {
		samples.push(treeRssMiB(pid));
		await sleep(1_000);
	}
	return samples.sort((a, b) => a - b)[2];
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function publishAll(
	n8n: TestN8n,
	token: string,
	round: number,
	upstreamPort: number,
): Promise<void> {
	for (let i = 0; i < 100; i++) {
		const response = await fetch(`${n8n.baseUrl}/webhook/ingress/routes`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
			body: JSON.stringify({
				host: `bench-${round}-${i}.example.test`,
				upstream: `127.0.0.1:${upstreamPort}`,
			}),
			signal: AbortSignal.timeout(20_000),
		});
		if (response.status !== 200)
			throw new Error(`publication ${i} answered ${response.status}: ${await response.text()}`);
	}
}

async function main(): Promise<void> {
	const caddy = await startCaddy();
	const upstream = await startUpstream('bench-home');
	const token = randomSecret();
	const shipped = shippedWorkflows();
	const routeWorkflows: WorkflowJson[] = ['hliPublishRoute01', 'hliUnpublishRte01'].map((id) => {
		const workflow = structuredClone(shipped.find((w) => w.id === id)!);
		// the bench's upstream is on loopback, like the end-to-end test's
		for (const node of workflow.nodes)
			if (node.type.endsWith('.caddyRoute')) {
				node.parameters.allowLoopback = true;
				node.parameters.allowedNetworks = '127.0.0.1/32';
			}
		return workflow;
	});
	const baseline = routeWorkflows.map((workflow) => withoutPackageNodes(workflow, caddy.adminUrl));
	const without: number[] = [];
	const withoutAfter: number[] = [];
	const withIdle: number[] = [];
	const withAfter: number[] = [];
	try {
		for (let round = 1; round <= ROUNDS; round++) {
			let n8n = await startTestN8n({
				credentials: routeCredentials(caddy.adminUrl, token).filter(
					(c) => c.type === 'httpHeaderAuth',
				),
				workflows: baseline,
				publish: baseline.map((w) => w.id),
				withPackage: false,
			});
			try {
				without.push(await settledRss(n8n.n8n.pid));
				await publishAll(n8n, token, round, upstream.port);
				withoutAfter.push(await settledRss(n8n.n8n.pid));
			} finally {
				await n8n.stop();
			}

			n8n = await startTestN8n({
				credentials: routeCredentials(caddy.adminUrl, token),
				workflows: routeWorkflows,
				publish: routeWorkflows.map((w) => w.id),
			});
			try {
				withIdle.push(await settledRss(n8n.n8n.pid));
				await publishAll(n8n, token, round, upstream.port);
				withAfter.push(await settledRss(n8n.n8n.pid));
			} finally {
				await n8n.stop();
			}
			console.log(
				`round ${round}: idle without ${without.at(-1)!.toFixed(0)} / with ${withIdle.at(-1)!.toFixed(0)} MiB; after 100 calls without ${withoutAfter.at(-1)!.toFixed(0)} / with ${withAfter.at(-1)!.toFixed(0)} MiB`,
			);
		}
	} finally {
		await upstream.close();
		await caddy.stop();
	}
	const idleDelta = median(withIdle) - median(without);
	const afterDelta = median(withAfter) - median(withoutAfter);
	const spread = (values: number[]) => Math.max(...values) - Math.min(...values);
	console.log(
		`\nn8n 2.41.1 resident memory (process tree, median of ${ROUNDS} rounds; round-to-round spread of the baseline: idle ${spread(without).toFixed(0)} MiB, after calls ${spread(withoutAfter).toFixed(0)} MiB):`,
	);
	console.log(
		`  idle:                  without ${median(without).toFixed(0)} MiB, with ${median(withIdle).toFixed(0)} MiB  (+${idleDelta.toFixed(1)} MiB)`,
	);
	console.log(
		`  after 100 webhook calls: without ${median(withoutAfter).toFixed(0)} MiB, with ${median(withAfter).toFixed(0)} MiB  (+${afterDelta.toFixed(1)} MiB)`,
	);
	const worst = Math.max(idleDelta, afterDelta);
	console.log(
		`added memory ${worst.toFixed(1)} MiB   target ≤ 30 MB  ${worst <= 30 ? 'MET' : 'MISSED'}`,
	);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
