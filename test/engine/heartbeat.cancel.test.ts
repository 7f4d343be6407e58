/**
 * Cancelling a Drain (n8n aborts the execution's signal): the drainer stops at once, the request in
 * flight does not count as a failed attempt, and everything not confirmed stays queued, in order.
 * The engine harness cannot cancel a running execution, so this drives the drainer directly with a
 * real store, a real loopback home and an AbortController in place of n8n's cancel signal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { drainQueue, type DrainOptions } from '../../nodes/Heartbeat/helpers/drainer';
import { SqliteStore } from '../../nodes/Heartbeat/storage/sqlite';
import { waitFor } from '../support/process';
import { fetchDeliverer } from './heartbeatDeliver';
import { startHome, type Home } from './heartbeatHome';

describe('Drain cancellation', () => {
	const dir = mkdtempSync(join(tmpdir(), 'hli-heartbeat-cancel-'));
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

	const options = (signal?: AbortSignal): DrainOptions => ({
		leaseMs: 60_000,
		batchSize: 5,
		concurrency: 2,
		maxDurationMs: 30_000,
		ratePerSecond: 0,
		maxAttempts: 3,
		scheduleSeconds: [1],
		baseUrlFor: async () => home.baseUrl,
		now: () => Date.now(),
		signal,
	});

	it('stops at once, uses up no attempt, and leaves the rest queued for the next drain', async () => {
		const keys = Array.from({ length: 20 }, (_, n) => `c-${n}`);
		await store.enqueueMany(
			keys.map((key) => ({
				source: 'home',
				method: 'POST',
				path: `/c/${key}`,
				headers: {},
				body: Buffer.from(key),
				idempotencyKey: key,
			})),
			Date.now(),
		);
		home.delayMs = 40;
		const controller = new AbortController();
		const draining = drainQueue(
			store,
			fetchDeliverer(controller.signal),
			options(controller.signal),
		);
		await waitFor('five deliveries', async () => home.received.length >= 5, 10_000, 5);
		controller.abort();
		const summary = await draining;
		expect(summary.sources).toEqual([
			expect.objectContaining({ source: 'home', stopped: 'cancelled' }),
		]);
		expect(summary).toMatchObject({ failed: 0, deadLettered: 0 });
		expect(summary.delivered).toBeLessThan(keys.length);
		const [stats] = await store.stats('home');
		expect(stats).toMatchObject({
			pending: keys.length - summary.delivered,
			dead: 0,
			delivered: summary.delivered,
		});
		// The source's lease was released: the next drain takes it at once and the head has no attempt recorded.
		home.delayMs = 0;
		const rest = await drainQueue(store, fetchDeliverer(), options());
		expect(rest).toMatchObject({ delivered: keys.length - summary.delivered, failed: 0 });
		expect(home.processed).toEqual(keys);
	});
});
