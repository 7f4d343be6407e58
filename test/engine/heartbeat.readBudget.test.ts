/**
 * A drain reads bodies within a fixed budget, whatever its concurrency: at most four batches read at once
 * across all workers, each with at most 512 KB of bodies before its last request. Sending stays concurrent
 * and in order per source. Driven directly with a real store and a real loopback home; the store is only
 * watched (and each read slowed a little, so reads of different workers would overlap).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { drainQueue } from '../../nodes/Heartbeat/helpers/drainer';
import { SqliteStore } from '../../nodes/Heartbeat/storage/sqlite';
import type { BatchClaim, HeartbeatStore } from '../../nodes/Heartbeat/storage/types';
import { fetchDeliverer } from './heartbeatDeliver';
import { startHome, type Home } from './heartbeatHome';

const BODY_BYTES = 100 * 1024;
const SOURCES = 8;
const PER_SOURCE = 7;

/** The store, with every nextBatch counted while it runs and the body sizes of what it returned. */
function watchReads(store: HeartbeatStore) {
	const reads = { running: 0, mostAtOnce: 0, batches: [] as number[][] };
	const watched = new Proxy(store, {
		get(target, name) {
			if (name !== 'nextBatch') {
				const value = Reflect.get(target, name, target) as unknown;
				return typeof value === 'function' ? value.bind(target) : value;
			}
			return async (claim: BatchClaim) => {
				reads.running++;
				reads.mostAtOnce = Math.max(reads.mostAtOnce, reads.running);
				try {
					await new Promise((resolve) => setTimeout(resolve, 20));
					const batch = await target.nextBatch(claim);
					if (batch?.length) reads.batches.push(batch.map((item) => item.body?.length ?? 0));
					return batch;
				} finally {
					reads.running--;
				}
			};
		},
	});
	return { watched, reads };
}

describe('Drain read budget', () => {
	const dir = mkdtempSync(join(tmpdir(), 'hli-heartbeat-budget-'));
	let home: Home;
	let store: SqliteStore;
	beforeAll(async () => {
		home = await startHome();
		store = await SqliteStore.open(join(dir, 'queue.sqlite'));
	});
	afterAll(async () => {
		await store?.close();
		await home?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('reads at most four batches at once and 512 KB of bodies per batch; every request arrives whole, in order', async () => {
		const keys = (source: number) =>
			Array.from({ length: PER_SOURCE }, (_, n) => `s${source}-${n}`);
		for (let source = 0; source < SOURCES; source++) {
			await store.enqueueMany(
				keys(source).map((key) => ({
					source: `home${source}`,
					method: 'POST',
					path: `/r/${key}`,
					headers: {},
					body: Buffer.alloc(BODY_BYTES, key),
					idempotencyKey: key,
				})),
				Date.now(),
			);
		}
		const { watched, reads } = watchReads(store);
		const summary = await drainQueue(watched, fetchDeliverer(), {
			leaseMs: 60_000,
			batchSize: 50,
			concurrency: SOURCES,
			maxDurationMs: 30_000,
			ratePerSecond: 0,
			maxAttempts: 3,
			scheduleSeconds: [1],
			baseUrlFor: async () => home.baseUrl,
			now: () => Date.now(),
		});

		expect(summary).toMatchObject({ delivered: SOURCES * PER_SOURCE, failed: 0 });
		expect(reads.mostAtOnce).toBeLessThanOrEqual(4);
		const bytesBeforeLast = reads.batches.map((sizes) =>
			sizes.slice(0, -1).reduce((sum, size) => sum + size, 0),
		);
		expect(Math.max(...bytesBeforeLast)).toBeLessThan(512 * 1024);
		// 100 KB bodies: six to a batch (500 KB before the sixth), then the source's last one.
		expect(reads.batches.map((sizes) => sizes.length).sort()).toEqual(
			[...Array(SOURCES).fill(1), ...Array(SOURCES).fill(6)].sort(),
		);
		for (let source = 0; source < SOURCES; source++) {
			const arrived = home.received.filter((request) => request.path.startsWith(`/r/s${source}-`));
			expect(arrived.map((request) => request.key)).toEqual(keys(source));
			for (const request of arrived)
				expect(request.body.equals(Buffer.alloc(BODY_BYTES, request.key))).toBe(true);
		}
	});
});
