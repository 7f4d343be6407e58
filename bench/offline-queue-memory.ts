/**
 * The memory part of bench/offline-queue.bench.ts. What a user needs from a drain: memory that is bounded and
 * independent of how long the queue grew while home was away. For each queue length (1,000, 10,000 and
 * 40,000 requests of 100 KB) the queue is filled through the store, then drained by the node built in dist/,
 * run by plain node in a child process (offline-queue-drain.child.js) that reports its idle RSS (code loaded,
 * store open) and its peak RSS; three rounds each, the median counts. Printed: growth over idle and the
 * spread of the peaks across queue lengths, as ratios, with whether the targets are met.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import type { HeartbeatStore } from '../nodes/Heartbeat/storage/types';

export interface MemoryTarget {
	name: string;
	parameters: IDataObject;
	credentials?: Record<string, IDataObject>;
	openStore(): Promise<HeartbeatStore>;
	/** Frees what the filled queue takes on disk. */
	dispose(): Promise<void>;
}

export interface Receiver {
	baseUrl: string;
	count: () => number;
}

export const QUEUE_LENGTHS = [1_000, 10_000, 40_000];
const BODY_BYTES = 100 * 1024;
const SOURCES = 8;
const DRAIN_OPTIONS = { concurrency: 8, batchSize: 50, maxDurationSeconds: 600 };
const ROUNDS = 3;
const GROWTH_TARGET_MB = 100;
/** Largest peak ÷ smallest peak across the queue lengths. */
const SPREAD_TARGET = 1.1;

const DRAIN_CHILD = join(__dirname, 'offline-queue-drain.child.js');

interface DrainReport {
	delivered: number;
	ms: number;
	baselineRssMb: number;
	peakRssMb: number;
	heapMb: [number, number];
	youngMb: [number, number];
	externalMb: [number, number];
}

async function fill(store: HeartbeatStore, count: number, baseUrl: string): Promise<void> {
	const body = Buffer.alloc(BODY_BYTES, 'b');
	const now = Date.now();
	for (let n = 0; n < SOURCES; n++) {
		await store.recordBeat({
			source: `big${n}`,
			status: 'online',
			metadata: null,
			baseUrl,
			at: now,
		});
	}
	for (let first = 0; first < count; first += 100) {
		const requests = Array.from({ length: Math.min(100, count - first) }, (_, k) => first + k).map(
			(n) => ({
				source: `big${n % SOURCES}`,
				method: 'POST',
				path: '/big',
				headers: {},
				body,
				idempotencyKey: `big-${n}`,
			}),
		);
		await store.enqueueMany(requests, now);
	}
}

async function drainInChild(target: MemoryTarget): Promise<DrainReport> {
	const parameters = { ...target.parameters, drainOptions: DRAIN_OPTIONS };
	const child = spawn(
		process.execPath,
		[DRAIN_CHILD, JSON.stringify({ parameters, credentials: target.credentials })],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
	if (code !== 0) throw new Error(`${target.name}: the drain child exited with ${code}: ${output}`);
	return JSON.parse(output.trim().split('\n').pop() ?? '{}') as DrainReport;
}

const thousands = (n: number) => n.toLocaleString('en-US');
const ratio = (value: number) => value.toFixed(2);
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

/** One fill and drain of `count` requests in a fresh store. */
async function round(target: MemoryTarget, count: number, home: Receiver): Promise<DrainReport> {
	const store = await target.openStore();
	await fill(store, count, home.baseUrl);
	await store.close();
	const before = home.count();
	const report = await drainInChild(target);
	await target.dispose();
	if (report.delivered !== count || home.count() - before !== count) {
		throw new Error(
			`${target.name}: drained ${report.delivered}, received ${home.count() - before}`,
		);
	}
	return report;
}

/** The round with the median peak RSS, and the lowest and highest peak of all rounds. */
function median(reports: DrainReport[]): { report: DrainReport; peaks: [number, number] } {
	const byPeak = [...reports].sort((a, b) => a.peakRssMb - b.peakRssMb);
	return {
		report: byPeak[Math.floor(byPeak.length / 2)],
		peaks: [byPeak[0].peakRssMb, byPeak[byPeak.length - 1].peakRssMb],
	};
}

/**
 * Fills and drains a queue of each length in QUEUE_LENGTHS, ROUNDS times each; `targetFor` gives every
 * round its own empty store. A peak is a maximum and varies by a few MB between runs: the median round counts.
 */
export async function measureDrainMemory(
	name: string,
	targetFor: (queueLength: number, round: number) => MemoryTarget,
	home: Receiver,
): Promise<void> {
	const rows: Array<{ count: number; report: DrainReport; peaks: [number, number] }> = [];
	for (const count of QUEUE_LENGTHS) {
		const reports: DrainReport[] = [];
		for (let n = 0; n < ROUNDS; n++) reports.push(await round(targetFor(count, n), count, home));
		rows.push({ count, ...median(reports) });
	}
	const peaks = rows.map(({ report }) => report.peakRssMb);
	const spread = Math.max(...peaks) / Math.min(...peaks);
	const growths = rows.map(({ report }) => report.peakRssMb - report.baselineRssMb);
	const lines = rows.map(({ count, report, peaks: [lowest, highest] }, n) => {
		const perSecond = Math.round((count * 1000) / report.ms);
		return (
			`  ${thousands(count).padStart(6)} queued: RSS idle ${report.baselineRssMb} MB, peak ${report.peakRssMb} MB ` +
			`(rounds ${lowest}–${highest}) = ${ratio(report.peakRssMb / report.baselineRssMb)} × idle, growth ${growths[n]} MB; ` +
			`peak ÷ peak at ${thousands(rows[0].count)} = ${ratio(report.peakRssMb / peaks[0])}; ${perSecond} drains/s\n` +
			`          V8 heap ${report.heapMb[0]} → ${report.heapMb[1]} MB (young generation ${report.youngMb[0]} → ${report.youngMb[1]} MB), ` +
			`Buffers outside the heap ${report.externalMb[0]} → ${report.externalMb[1]} MB`
		);
	});
	console.log(
		`${name}: drain of queued 100 KB requests by the built node (batch ${DRAIN_OPTIONS.batchSize}, concurrency ${DRAIN_OPTIONS.concurrency}), median of ${ROUNDS} rounds\n` +
			`${lines.join('\n')}\n` +
			`  growth over idle at most ${Math.max(...growths)} MB (target ≤ ${GROWTH_TARGET_MB} MB): ${verdict(Math.max(...growths) <= GROWTH_TARGET_MB)}\n` +
			`  spread of peak RSS across queue lengths, largest ÷ smallest: ${ratio(spread)} (target ≤ ${ratio(SPREAD_TARGET)}): ${verdict(spread <= SPREAD_TARGET)}`,
	);
}
