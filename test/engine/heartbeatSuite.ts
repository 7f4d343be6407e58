/**
 * The Heartbeat node's behaviour, run in n8n's real engine against one store. The same suite runs on
 * the embedded SQLite store and on a real PostgreSQL (heartbeat.sqlite.test.ts, heartbeat.postgres.test.ts).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { ErrorReporter } from 'n8n-core';
import type { IDataObject } from 'n8n-workflow';

import { clock } from '../../nodes/Heartbeat/helpers/clock';
import { runNode } from '../support/engine';
import { waitFor } from '../support/process';
import { startHome, type Home } from './heartbeatHome';

export interface StoreUnderTest {
	/** Node parameters and credentials of a new, empty store (own file or own schema). */
	fresh(): { parameters: IDataObject; credentials?: Record<string, IDataObject> };
	/** Restarts the database server, when there is one. */
	restart?: () => Promise<void>;
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs an execution that must fail: n8n's error reporter would print the node's error to the console,
 * so what it is given is captured instead, and each report must be that expected error (an unexpected
 * one still fails the test).
 */
async function expectedFailure<T>(message: RegExp, run: () => Promise<T>): Promise<T> {
	const reported: string[] = [];
	const report = jest
		.spyOn(ErrorReporter.prototype, 'error')
		.mockImplementation(
			(error: unknown) =>
				void reported.push(error instanceof Error ? error.message : String(error)),
		);
	try {
		return await run();
	} finally {
		report.mockRestore();
		for (const line of reported) expect(line).toMatch(message);
	}
}

export function heartbeatSuite(target: () => StoreUnderTest, hasServer: boolean): void {
	let home: Home;
	let store: ReturnType<StoreUnderTest['fresh']>;

	const hb = async (
		resource: string,
		operation: string,
		parameters: IDataObject = {},
		input?: IDataObject[],
	) =>
		await runNode(
			'heartbeat',
			{ ...store.parameters, resource, operation, ...parameters },
			{ credentials: store.credentials, input },
		);
	const ok = async (
		resource: string,
		operation: string,
		parameters: IDataObject = {},
		input?: IDataObject[],
	) => {
		const result = await hb(resource, operation, parameters, input);
		if (result.error) throw result.error;
		return result.json;
	};
	const beat = async (source = 'home', status = 'online', extra: IDataObject = {}) =>
		await ok('source', 'recordBeat', { source, status, baseUrl: home.baseUrl, ...extra });
	const enqueue = async (source: string, key: string, extra: IDataObject = {}) =>
		(
			await ok('queue', 'enqueue', {
				source,
				method: 'POST',
				path: `/hook/${key}`,
				body: `body of ${key}`,
				idempotencyKey: key,
				...extra,
			})
		)[0];
	const drain = async (drainOptions: IDataObject = {}, extra: IDataObject = {}) =>
		(
			await ok('queue', 'drain', {
				drainOptions: { retrySchedule: '1', ...drainOptions },
				...extra,
			})
		)[0];
	const stats = async (source?: string) => await ok('queue', 'stats', { source: source ?? '' });

	beforeAll(async () => {
		home = await startHome();
	});
	afterAll(async () => {
		await home?.close();
	});
	beforeEach(async () => {
		store = target().fresh();
		home.received.length = 0;
		home.processed.length = 0;
		home.respond = () => 200;
		home.delayMs = 0;
		await home.up();
	});
	afterEach(() => {
		clock.now = () => Date.now();
	});

	describe('liveness', () => {
		it('reports wentOffline after the missed beats and grace, reminds, then cameOnline with the downtime', async () => {
			const t0 = Date.parse('2025-01-01T00:00:00Z');
			clock.now = () => t0;
			await beat();
			const liveness = { intervalSeconds: 60, missedBeats: 3, graceSeconds: 10 };
			const check = async (at: number, options: IDataObject = {}) => {
				clock.now = () => at;
				return await ok('source', 'check', {
					liveness,
					checkOptions: { remindEveryMinutes: 5, ...options },
				});
			};
			expect(await check(t0 + 30_000)).toEqual([]);
			// Exactly at the deadline (3 × 60 s + 10 s) the source still counts as online: no boundary race.
			expect(await check(t0 + 190_000)).toEqual([]);
			const wentOffline = await check(t0 + 191_000);
			expect(wentOffline).toEqual([
				expect.objectContaining({
					source: 'home',
					event: 'wentOffline',
					state: 'offline',
					previousState: 'online',
					offlineSince: new Date(t0 + 190_000).toISOString(),
					missedBeats: 3,
				}),
			]);
			expect(await check(t0 + 200_000)).toEqual([]);
			expect(await check(t0 + 200_000, { includeSteady: true })).toEqual([
				expect.objectContaining({ event: 'steady', state: 'offline' }),
			]);
			expect(await check(t0 + 191_000 + 300_000)).toEqual([
				expect.objectContaining({
					event: 'stillOffline',
					downtimeSeconds: 301,
					offlineSince: new Date(t0 + 190_000).toISOString(),
				}),
			]);
			clock.now = () => t0 + 600_000;
			await beat();
			clock.now = () => t0 + 660_000;
			await beat();
			expect(await check(t0 + 670_000)).toEqual([
				expect.objectContaining({ event: 'cameOnline', state: 'online', downtimeSeconds: 410 }),
			]);
			expect(await check(t0 + 680_000)).toEqual([]);

			const [status] = await ok('source', 'status', { source: 'home', liveness });
			expect(status).toMatchObject({
				state: 'online',
				storedState: 'online',
				secondsSinceLastBeat: 20,
				baseUrl: home.baseUrl,
			});
		});

		it('treats a non-online status as offline at once, and two Checks at once report the transition once', async () => {
			const t0 = Date.parse('2025-02-01T00:00:00Z');
			clock.now = () => t0;
			await beat();
			await ok('source', 'check');
			clock.now = () => t0 + 1000;
			await beat('home', 'maintenance');
			const both = await Promise.all([ok('source', 'check'), ok('source', 'check')]);
			const events = both.flat();
			expect(events).toHaveLength(1);
			expect(events[0]).toMatchObject({ event: 'wentOffline', lastStatus: 'maintenance' });
		});
	});

	describe('forward or enqueue', () => {
		const relay = async (extra: IDataObject = {}) =>
			(
				await ok('queue', 'forwardOrEnqueue', {
					source: 'home',
					method: 'PUT',
					path: '/api/item?x=1',
					headers: { 'X-Trace': 'abc', 'Content-Type': 'text/plain' },
					body: 'payload',
					idempotencyKey: 'relay-1',
					...extra,
				})
			)[0];

		it('forwards to an online home with the idempotency header, and queues when offline or unreachable', async () => {
			await beat();
			const forwarded = await relay();
			expect(forwarded).toMatchObject({ delivered: true, status: 200 });
			expect(home.received).toHaveLength(1);
			expect(home.received[0]).toMatchObject({
				method: 'PUT',
				path: '/api/item?x=1',
				key: 'relay-1',
			});
			expect(home.received[0].headers['x-trace']).toBe('abc');
			expect(home.received[0].body.toString()).toBe('payload');

			await home.down();
			const unreachable = await relay({ idempotencyKey: 'relay-2' });
			expect(unreachable).toMatchObject({
				queued: true,
				reason: 'connectionFailure',
				duplicate: false,
			});
			await home.up();
			// Something of home is queued: a new request must not overtake it.
			expect(await relay({ idempotencyKey: 'relay-3' })).toMatchObject({
				queued: true,
				reason: 'queueNotEmpty',
			});
			expect(home.received).toHaveLength(1);

			clock.now = () => Date.now() + 3_600_000;
			expect(await relay({ idempotencyKey: 'relay-4' })).toMatchObject({
				queued: true,
				reason: 'offline',
			});
			expect((await stats('home'))[0]).toMatchObject({ pending: 3 });
		});
	});

	describe('queue', () => {
		it('refuses duplicates by idempotency key and delivers in order per source across sources', async () => {
			await beat('alpha');
			await beat('beta');
			const first = await enqueue('alpha', 'a-0');
			const again = await enqueue('alpha', 'a-0', { body: 'different' });
			expect(again).toMatchObject({ duplicate: true, id: first.id });
			for (let n = 1; n < 25; n++) {
				await enqueue('alpha', `a-${n}`);
				await enqueue('beta', `b-${n}`);
			}
			// The same key in another source is another request.
			expect(await enqueue('beta', 'a-0', { path: '/beta/a-0' })).toMatchObject({
				duplicate: false,
			});
			home.delayMs = 2;
			const summary = await drain({ concurrency: 2, batchSize: 7 });
			expect(summary).toMatchObject({ delivered: 50, failed: 0 });
			const order = (prefix: string) =>
				home.received.filter((r) => r.path.startsWith(`/hook/${prefix}`)).map((r) => r.key);
			expect(order('a-')).toEqual(Array.from({ length: 25 }, (_, n) => `a-${n}`));
			expect(order('b-')).toEqual(Array.from({ length: 24 }, (_, n) => `b-${n + 1}`));
			expect(home.received.find((r) => r.key === 'a-0')?.body.toString()).toBe('body of a-0');
			expect((await stats()).map((s) => [s.source, s.pending, s.delivered])).toEqual([
				['alpha', 0, 25],
				['beta', 0, 25],
			]);
			// A delivered request's key is still known: a late repeat is not stored again.
			expect(await enqueue('alpha', 'a-3')).toMatchObject({ duplicate: true, status: 'delivered' });
		});

		it('backs off while home is down and delivers when it recovers', async () => {
			await beat();
			for (const key of ['k1', 'k2', 'k3']) await enqueue('home', key);
			await home.down();
			const failed = await drain({ retrySchedule: '1.5' });
			expect(failed).toMatchObject({ delivered: 0, failed: 1 });
			expect(failed.sources).toEqual([
				expect.objectContaining({ source: 'home', stopped: 'connectionFailure' }),
			]);
			await home.up();
			// Not due yet: the head waits out its backoff, the others wait behind it.
			expect(await drain()).toMatchObject({ delivered: 0, failed: 0 });
			expect(home.received).toHaveLength(0);
			await sleep(1600);
			expect(await drain()).toMatchObject({ delivered: 3 });
			expect(home.received.map((r) => r.key)).toEqual(['k1', 'k2', 'k3']);

			home.respond = (request) => (request.key === 'k4' && home.received.length === 4 ? 503 : 200);
			await enqueue('home', 'k4');
			const httpError = await drain({ retrySchedule: '0.3' });
			expect((httpError.sources as IDataObject[])[0]).toMatchObject({
				stopped: 'httpError',
				error: 'home answered HTTP 503',
			});
			await sleep(400);
			expect(await drain()).toMatchObject({ delivered: 1 });
		});

		it('dead-letters after max attempts, lists, replays and purges', async () => {
			await beat();
			await enqueue('home', 'bad', { path: '/fails' });
			await enqueue('home', 'good');
			home.respond = (request) => (request.path === '/fails' ? 500 : 200);
			const options = { maxAttempts: 2, retrySchedule: '0.2' };
			expect(await drain(options)).toMatchObject({ failed: 1, deadLettered: 0 });
			await sleep(300);
			const second = await drain(options);
			expect(second).toMatchObject({ failed: 1, deadLettered: 1 });
			expect(await drain(options)).toMatchObject({ delivered: 1 });
			const dead = await ok('deadLetter', 'list', { source: 'home' });
			expect(dead).toEqual([
				expect.objectContaining({
					source: 'home',
					path: '/fails',
					attempts: 2,
					lastStatus: 500,
					idempotencyKey: 'bad',
				}),
			]);
			home.respond = () => 200;
			expect(await ok('deadLetter', 'replay', { ids: String(dead[0].id) })).toEqual([
				{ replayed: 1 },
			]);
			expect(await drain()).toMatchObject({ delivered: 1 });
			expect(home.processed).toEqual(['good', 'bad']);

			home.respond = () => 500;
			await enqueue('home', 'doomed');
			await drain({ maxAttempts: 1 });
			expect(await ok('deadLetter', 'purge', { source: 'home' })).toEqual([{ purged: 1 }]);
			expect(await ok('deadLetter', 'list')).toEqual([]);
		});

		it('enqueues many items of one execution in order, with exact duplicate flags, all or nothing', async () => {
			await beat();
			const stored = await enqueue('home', 'before');
			const input = ['n1', 'n2', 'n1', 'before', 'n3'].map((key) => ({ key }));
			const batch = {
				source: 'home',
				method: 'POST',
				path: '/batch',
				body: '=body of {{ $json.key }}',
				idempotencyKey: '={{ $json.key }}',
			};
			const results = await ok('queue', 'enqueue', batch, input);
			expect(results.map((r) => [r.idempotencyKey, r.duplicate])).toEqual([
				['n1', false],
				['n2', false],
				['n1', true],
				['before', true],
				['n3', false],
			]);
			expect(results[2].id).toBe(results[0].id);
			expect(results[3].id).toBe(stored.id);
			expect(Number(results[1].id)).toBeGreaterThan(Number(results[0].id));
			expect(Number(results[4].id)).toBeGreaterThan(Number(results[1].id));

			// One invalid item fails the execution before anything of it is stored.
			const withBad = [{ key: 'm1' }, { key: 'has space' }, { key: 'm2' }];
			const failed = await expectedFailure(
				/Invalid Idempotency Key/,
				async () => await hb('queue', 'enqueue', batch, withBad),
			);
			expect(failed.error?.message).toMatch(/Invalid Idempotency Key/);
			expect((await stats('home'))[0]).toMatchObject({ pending: 4 });
			// With "Continue On Fail" the invalid item becomes an error item and the others are stored.
			const continued = await expectedFailure(
				/Invalid Idempotency Key/,
				async () =>
					await runNode(
						'heartbeat',
						{ ...store.parameters, resource: 'queue', operation: 'enqueue', ...batch },
						{ credentials: store.credentials, input: withBad, onError: 'continueRegularOutput' },
					),
			);
			expect(
				continued
					.items('Node')
					.map((item) => [item.pairedItem, item.json.error ?? item.json.idempotencyKey]),
			).toEqual([
				[{ item: 0 }, 'm1'],
				[{ item: 1 }, expect.stringMatching(/Invalid Idempotency Key/)],
				[{ item: 2 }, 'm2'],
			]);
			// "Request From: Input Items": each item's own fields, validated the same way.
			const fromItems = [
				{
					source: 'home',
					path: '/items/1',
					body: 'body of i1',
					idempotencyKey: 'i1',
					headers: { 'X-From': 'item' },
				},
				{
					source: 'home',
					method: 'PUT',
					path: '/items/2',
					body: 'body of i2',
					idempotencyKey: 'i2',
				},
			];
			expect(
				(await ok('queue', 'enqueue', { requestFrom: 'inputItems' }, fromItems)).map(
					(r) => r.duplicate,
				),
			).toEqual([false, false]);
			const badItem = await expectedFailure(
				/Invalid Path/,
				async () =>
					await hb('queue', 'enqueue', { requestFrom: 'inputItems' }, [
						{ source: 'home', path: 'http://evil.example/' },
					]),
			);
			expect(badItem.error?.message).toMatch(/Invalid Path/);

			expect(await drain()).toMatchObject({ delivered: 8 });
			expect(home.received.map((r) => [r.key, r.body.toString()])).toEqual(
				['before', 'n1', 'n2', 'n3', 'm1', 'm2', 'i1', 'i2'].map((key) => [key, `body of ${key}`]),
			);
			expect(home.received[6]).toMatchObject({
				method: 'POST',
				path: '/items/1',
				headers: expect.objectContaining({ 'x-from': 'item' }),
			});
			expect(home.received[7]).toMatchObject({ method: 'PUT', path: '/items/2' });
		});

		it('reports queue stats and source status with their counts and times', async () => {
			const t0 = Date.parse('2025-03-01T00:00:00Z');
			clock.now = () => t0;
			await beat('home', 'online', { metadata: '{"version":"1.2"}' });
			await enqueue('home', 's1');
			clock.now = () => t0 + 5_000;
			await enqueue('home', 's2', { body: 'x'.repeat(100) });
			await enqueue('other', 'o1');
			home.respond = () => 500;
			clock.now = () => t0 + 10_000;
			await drain({ maxAttempts: 1 });
			expect(await stats()).toEqual([
				{
					source: 'home',
					pending: 1,
					dead: 1,
					delivered: 0,
					oldestPendingAt: new Date(t0 + 5_000).toISOString(),
					nextAttemptAt: new Date(t0 + 5_000).toISOString(),
					pendingBytes: 100,
				},
				expect.objectContaining({ source: 'other', pending: 1, dead: 0 }),
			]);
			expect(await stats('other')).toEqual([
				expect.objectContaining({ source: 'other', pending: 1 }),
			]);
			clock.now = () => t0 + 200_000;
			const liveness = { intervalSeconds: 60, missedBeats: 3, graceSeconds: 10 };
			expect(await ok('source', 'status', { liveness })).toEqual([
				{
					source: 'home',
					state: 'offline',
					storedState: 'unknown',
					lastSeen: new Date(t0).toISOString(),
					lastStatus: 'online',
					secondsSinceLastBeat: 200,
					missedBeats: 3,
					baseUrl: home.baseUrl,
					metadata: { version: '1.2' },
					pending: 1,
					dead: 1,
				},
				expect.objectContaining({
					source: 'other',
					state: 'unknown',
					lastSeen: null,
					pending: 1,
					dead: 0,
				}),
			]);
		});

		it('paces deliveries to one source at the rate limit', async () => {
			await beat();
			for (let n = 0; n < 8; n++) await enqueue('home', `r${n}`);
			const arrivals: number[] = [];
			home.respond = () => {
				arrivals.push(performance.now());
				return 200;
			};
			expect(await drain({ ratePerSecond: 20 })).toMatchObject({ delivered: 8 });
			// 20/s: the k-th delivery starts no sooner than k × 50 ms after the first; unlimited, 8 loopback
			// requests take a few ms in all. Measured from the second arrival: the first one also opens the
			// connection, so it can arrive late and make the rest look early. 15 ms of slack for jitter.
			const early = arrivals
				.slice(1)
				.map((at, k) => at - arrivals[1] - k * 50)
				.filter((offset) => offset < -15);
			expect(early).toEqual([]);
		});

		it('refuses every kind of bad input with a clear error and stores nothing', async () => {
			await beat();
			const bad: Array<[IDataObject, RegExp]> = [
				[{ method: 'TRACE' }, /Invalid Method: "TRACE" is not allowed/],
				[{ method: 'CONNECT' }, /Invalid Method/],
				[{ path: 'http://evil.example/x' }, /Invalid Path: must not contain a scheme/],
				[{ path: '//evil.example/x' }, /Invalid Path: must not name a host/],
				[{ path: 'relative/x' }, /Invalid Path: must start with/],
				[{ path: '/a/../etc/passwd' }, /Invalid Path: must not contain "." or ".."/],
				[{ path: '/a/%2e%2e/b' }, /Invalid Path: must not contain "." or ".."/],
				[{ path: '/a\r\nX-Injected: 1' }, /Invalid Path: must not contain whitespace/],
				[{ path: '/a%0d%0aX:1' }, /Invalid Path: must not encode CR, LF/],
				[{ headers: { Connection: 'close' } }, /Invalid Headers: "Connection" is a hop-by-hop/],
				[{ headers: { 'Transfer-Encoding': 'chunked' } }, /hop-by-hop/],
				[{ headers: { Host: 'evil.example' } }, /hop-by-hop or relay-managed/],
				[
					{ headers: { 'Bad Name': 'x' } },
					/Invalid Headers: "Bad Name" is not a valid header name/,
				],
				[
					{ headers: { 'X-A': 'x\r\nX-B: y' } },
					/Invalid Headers: the value of "X-A" contains CR, LF/,
				],
				[{ headers: '[1,2]' }, /Invalid Headers: must be a JSON object/],
				[
					{ body: 'x'.repeat(2048), requestOptions: { maxBodyKb: 1 } },
					/Invalid Body: 2048 bytes is more than the limit of 1024/,
				],
				[
					{ body: '***', requestOptions: { bodyIsBase64: true } },
					/Invalid Body: is not valid base64/,
				],
				[{ source: '../etc' }, /Invalid Source/],
				[{ idempotencyKey: 'has space' }, /Invalid Idempotency Key/],
			];
			for (const operation of ['enqueue', 'forwardOrEnqueue']) {
				for (const [parameters, message] of bad) {
					const result = await expectedFailure(
						message,
						async () =>
							await hb('queue', operation, {
								source: 'home',
								method: 'POST',
								path: '/ok',
								body: 'b',
								...parameters,
							}),
					);
					expect(result.error?.message).toMatch(message);
				}
			}
			expect(await stats()).toEqual([]);
			expect(home.received).toHaveLength(0);
			const badBase = await expectedFailure(
				/Invalid Base URL/,
				async () =>
					await hb('source', 'recordBeat', { source: 'home', baseUrl: 'http://169.254.169.254' }),
			);
			expect(badBase.error?.message).toMatch(
				/Invalid Base URL: must not point at a link-local address/,
			);
		});

		it('two drainers at once: every request arrives, exactly once at a deduplicating receiver, in order', async () => {
			const sources = ['s1', 's2', 's3', 's4'];
			for (const source of sources) await beat(source);
			const keys: string[] = [];
			for (let n = 0; n < 40; n++) {
				for (const source of sources) {
					keys.push(`${source}-${n}`);
					await enqueue(source, `${source}-${n}`);
				}
			}
			home.delayMs = 1;
			const [a, b] = await Promise.all([
				drain({ concurrency: 2, batchSize: 5 }),
				drain({ concurrency: 2, batchSize: 5 }),
			]);
			expect(Number(a.delivered) + Number(b.delivered)).toBeGreaterThanOrEqual(keys.length);
			expect(new Set(home.received.map((r) => r.key))).toEqual(new Set(keys));
			expect([...home.processed].sort()).toEqual([...keys].sort());
			for (const source of sources) {
				const arrived = home.processed.filter((k) => k.startsWith(`${source}-`));
				expect(arrived).toEqual(Array.from({ length: 40 }, (_, n) => `${source}-${n}`));
			}
		});

		it('a drainer killed mid-drain: its requests are delivered after its lease, none lost', async () => {
			await beat();
			const keys = Array.from({ length: 60 }, (_, n) => `kill-${n}`);
			for (const key of keys) await enqueue('home', key);
			home.delayMs = 25;
			const parameters = {
				...store.parameters,
				resource: 'queue',
				operation: 'drain',
				drainOptions: { batchSize: 10, leaseSeconds: 2 },
			};
			const child = spawn(
				process.execPath,
				[
					'-r',
					'ts-node/register/transpile-only',
					join(__dirname, 'heartbeatDrainer.child.ts'),
					JSON.stringify({ parameters, credentials: store.credentials }),
				],
				{
					stdio: ['ignore', 'pipe', 'pipe'],
					env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '../../tsconfig.json') },
				},
			);
			let output = '';
			child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			try {
				await waitFor(
					`the child drainer to deliver 15 requests (${output.slice(-500)})`,
					async () => home.received.length >= 15,
					60_000,
					20,
				);
			} finally {
				process.kill(child.pid!, 'SIGKILL');
				await exited;
			}
			const beforeKill = home.received.length;
			expect(beforeKill).toBeLessThan(keys.length);
			// Its lease still holds the source: nobody else may take it yet.
			expect(await drain()).toMatchObject({ delivered: 0 });
			await sleep(2100);
			home.delayMs = 0;
			expect(await drain()).toMatchObject({ failed: 0 });
			expect(new Set(home.received.map((r) => r.key))).toEqual(new Set(keys));
			expect(home.processed).toEqual(keys);
			// At least once: only the killed drainer's unrecorded batch is sent twice.
			expect(home.received.length - keys.length).toBeLessThanOrEqual(10);
		});
	});

	// Only a store with a server process can have it restarted; the embedded store has none.
	if (hasServer)
		it('keeps every request when the database server restarts during a drain', async () => {
			await beat();
			const keys = Array.from({ length: 120 }, (_, n) => `pg-${n}`);
			for (const key of keys) await enqueue('home', key);
			home.delayMs = 10;
			const draining = drain({ batchSize: 10, leaseSeconds: 2 });
			await waitFor(
				'the drain to be under way',
				async () => home.received.length >= 20,
				30_000,
				10,
			);
			await target().restart!();
			const summary = await draining;
			expect(Number(summary.delivered)).toBeGreaterThan(0);
			await sleep(2100);
			await drain();
			expect(home.processed).toEqual(keys);
			expect((await stats('home'))[0]).toMatchObject({ pending: 0, delivered: 120 });
		});
}
