/**
 * Forward or Enqueue (the relay) in n8n's real engine against one store, with a loopback home that
 * answers what each test wants: home's answer classified (delivered, rejected for good, queued for
 * retry), idempotency keys honoured on the online path too (concurrently, across processes, for the
 * window), and oversize parts refused as `tooLarge`. Run on SQLite and on PostgreSQL.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { clock } from '../../nodes/Heartbeat/helpers/clock';
import { MAX_RESPONSE_BYTES } from '../../nodes/Heartbeat/helpers/drainer';
import { runNode } from '../support/engine';
import { waitFor } from '../support/process';
import { startHome, type Home, type Received } from './heartbeatHome';
import type { StoreUnderTest } from './heartbeatSuite';

const HOUR = 3_600_000;

/** Home answers the status named in the path (`/status/404`), 200 otherwise. */
const statusFromPath = (request: Received) =>
	Number(/^\/status\/(\d{3})/.exec(request.path)?.[1] ?? 200);

export function relaySuite(target: () => StoreUnderTest): void {
	let home: Home;
	let store: ReturnType<StoreUnderTest['fresh']>;

	const hb = async (
		resource: string,
		operation: string,
		parameters: IDataObject,
		onError?: 'continueRegularOutput',
	) =>
		await runNode(
			'heartbeat',
			{ ...store.parameters, resource, operation, ...parameters },
			{ credentials: store.credentials, onError },
		);
	const ok = async (resource: string, operation: string, parameters: IDataObject = {}) => {
		const result = await hb(resource, operation, parameters);
		if (result.error) throw result.error;
		return result.json;
	};
	const beat = async (source = 'home') =>
		await ok('source', 'recordBeat', { source, status: 'online', baseUrl: home.baseUrl });
	const relay = async (key: string, parameters: IDataObject = {}) =>
		(
			await ok('queue', 'forwardOrEnqueue', {
				source: 'home',
				method: 'POST',
				path: '/hook',
				body: `body of ${key}`,
				idempotencyKey: key,
				...parameters,
			})
		)[0];
	const drain = async () =>
		(await ok('queue', 'drain', { drainOptions: { retrySchedule: '1' } }))[0];
	const stats = async (source = '') => await ok('queue', 'stats', { source });
	const keysReceived = () => home.received.map((request) => request.key);

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

	describe('relay: what home answered', () => {
		it('is delivered only for a 2xx, with every output field; other 4xx, 3xx, 501 and 505 are final', async () => {
			await beat();
			home.respond = statusFromPath;
			expect(await relay('k-201', { path: '/status/201' })).toEqual({
				delivered: true,
				queued: false,
				status: 201,
				id: expect.any(Number),
				duplicate: false,
				reason: null,
				source: 'home',
				idempotencyKey: 'k-201',
				headers: expect.objectContaining({ 'content-type': 'application/json' }),
				body: '{"ok":true,"path":"/status/201"}',
			});
			const finals = [400, 401, 403, 404, 409, 410, 422, 302, 501, 505];
			for (const status of finals) {
				expect(await relay(`k-${status}`, { path: `/status/${status}` })).toMatchObject({
					delivered: false,
					queued: false,
					status,
					duplicate: false,
					reason: null,
					body: expect.stringContaining(`/status/${status}`),
				});
			}
			expect(home.received).toHaveLength(finals.length + 1);
			// Refused for good: neither queued nor dead, and never sent again by Drain.
			expect(await stats()).toEqual([expect.objectContaining({ pending: 0, dead: 0 })]);
			expect(await drain()).toMatchObject({ delivered: 0, failed: 0 });
			expect(await ok('deadLetter', 'list')).toEqual([]);
			expect(home.received).toHaveLength(finals.length + 1);
		});

		it('queues 5xx (but 501/505), 408, 425 and 429 for retry after 5 s or Retry-After, ahead of later requests', async () => {
			const t0 = Date.parse('2025-04-01T00:00:00Z');
			clock.now = () => t0;
			home.respond = statusFromPath;
			// One source per status: a queued request holds back everything after it in its source.
			for (const status of [500, 502, 503, 504, 507, 408, 425, 429]) {
				const source = `s-${status}`;
				await beat(source);
				expect(await relay(`k-${status}`, { source, path: `/status/${status}` })).toMatchObject({
					delivered: false,
					queued: true,
					status,
					reason: 'retryableStatus',
					duplicate: false,
				});
				expect((await stats(source))[0]).toMatchObject({
					pending: 1,
					nextAttemptAt: new Date(t0 + 5_000).toISOString(),
				});
			}
			await beat();
			home.respond = () => ({ status: 503, headers: { 'Retry-After': '120' } });
			const first = await relay('first');
			expect(first).toMatchObject({ queued: true, status: 503, reason: 'retryableStatus' });
			home.respond = () => 200;
			expect(await relay('second')).toMatchObject({
				delivered: false,
				queued: true,
				status: null,
				reason: 'queueNotEmpty',
			});
			expect((await stats('home'))[0]).toMatchObject({ pending: 2 });
			expect(keysReceived().filter((key) => key === 'first' || key === 'second')).toEqual([
				'first',
			]);
			// The head waits out home's Retry-After (not Drain's 5 s); the request behind it waits with it.
			home.received.length = 0;
			clock.now = () => t0 + 119_000;
			await drain();
			expect(keysReceived()).toEqual(expect.not.arrayContaining(['first', 'second']));
			clock.now = () => t0 + 120_000;
			await drain();
			expect(keysReceived().filter((key) => key === 'first' || key === 'second')).toEqual([
				'first',
				'second',
			]);
		});
	});

	describe('relay: idempotency keys', () => {
		it('a repeated key is sent once and answers the first outcome, whichever path each call takes', async () => {
			await beat();
			home.respond = statusFromPath;
			const delivered = await relay('k-ok');
			expect(delivered).toMatchObject({ delivered: true, status: 200, duplicate: false });
			expect(await relay('k-ok', { body: 'another body' })).toEqual({
				delivered: true,
				queued: false,
				status: 200,
				id: delivered.id,
				duplicate: true,
				reason: null,
				source: 'home',
				idempotencyKey: 'k-ok',
				headers: null,
				body: null,
			});
			const rejected = await relay('k-404', { path: '/status/404' });
			expect(await relay('k-404', { path: '/status/404' })).toMatchObject({
				delivered: false,
				queued: false,
				status: 404,
				id: rejected.id,
				duplicate: true,
			});
			// The queue's Enqueue knows the keys that were forwarded.
			expect(
				(await ok('queue', 'enqueue', { source: 'home', path: '/x', idempotencyKey: 'k-ok' }))[0],
			).toMatchObject({ duplicate: true, id: delivered.id });
			expect(keysReceived()).toEqual(['k-ok', 'k-404']);

			const retried = await relay('k-503', { path: '/status/503' });
			expect(await relay('k-503', { path: '/status/503' })).toMatchObject({
				delivered: false,
				queued: true,
				status: 503,
				id: retried.id,
				duplicate: true,
			});
			// Still its first outcome after Drain delivered it.
			home.respond = () => 200;
			clock.now = () => Date.now() + 10_000;
			expect(await drain()).toMatchObject({ delivered: 1 });
			expect(await relay('k-503')).toMatchObject({ queued: true, status: 503, duplicate: true });

			// Queued while home was away; repeated once home is back and the queue is empty.
			clock.now = () => Date.now() + HOUR;
			const queued = await relay('k-away');
			expect(queued).toMatchObject({ queued: true, reason: 'offline', status: null });
			await beat();
			expect(await drain()).toMatchObject({ delivered: 1 });
			expect(await relay('k-away')).toMatchObject({
				delivered: false,
				queued: true,
				status: null,
				id: queued.id,
				duplicate: true,
			});
			expect(keysReceived()).toEqual(['k-ok', 'k-404', 'k-503', 'k-503', 'k-away']);
		});

		it('concurrent calls with one key deliver once and all answer the same outcome', async () => {
			await beat();
			home.delayMs = 300;
			const answers = await Promise.all(Array.from({ length: 5 }, async () => await relay('same')));
			expect(keysReceived()).toEqual(['same']);
			expect(answers.filter((answer) => !answer.duplicate)).toHaveLength(1);
			for (const answer of answers) {
				expect(answer).toMatchObject({ delivered: true, status: 200, id: answers[0].id });
			}

			home.respond = () => 503;
			const retried = await Promise.all(Array.from({ length: 3 }, async () => await relay('busy')));
			expect(keysReceived()).toEqual(['same', 'busy']);
			for (const answer of retried) {
				expect(answer).toMatchObject({ queued: true, status: 503, id: retried[0].id });
			}
			expect((await stats('home'))[0]).toMatchObject({ pending: 1 });
		});

		it('a forward whose process died: a repeat waits for it, answers 409 while it may still finish, then queues it', async () => {
			await beat();
			home.delayMs = 30_000;
			const parameters = {
				...store.parameters,
				resource: 'queue',
				operation: 'forwardOrEnqueue',
				source: 'home',
				path: '/hook',
				body: 'body of orphan',
				idempotencyKey: 'orphan',
				delivery: { timeoutSeconds: 20 },
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
					`the child to forward the request (${output.slice(-500)})`,
					async () => keysReceived().includes('orphan'),
					60_000,
					20,
				);
				// Its claim holds for 2 × 20 s + 5 s: a repeat waits (here 2 × 1 s + 5 s), then gives up.
				const waited = await hb(
					'queue',
					'forwardOrEnqueue',
					{ ...parameters, delivery: { timeoutSeconds: 1 } },
					'continueRegularOutput',
				);
				expect(waited.json[0]).toMatchObject({
					details: { errorKind: 'conflict', httpStatus: 409 },
					error: expect.stringMatching(/"orphan" is still being forwarded/),
				});
			} finally {
				process.kill(child.pid!, 'SIGKILL');
				await exited;
			}
			// Once the claim has lapsed, the next repeat queues the request: delivered at least once.
			clock.now = () => Date.now() + 60_000;
			const requeued = await relay('orphan');
			expect(requeued).toMatchObject({ queued: true, status: null, duplicate: true });
			home.delayMs = 0;
			expect(await drain()).toMatchObject({ delivered: 1 });
			expect(keysReceived()).toEqual(['orphan', 'orphan']);
			expect(home.processed).toEqual(['orphan']);
		}, 90_000);

		it('forgets the key of a delivered or rejected request after the window, never that of a queued one', async () => {
			const t0 = Date.parse('2025-05-01T00:00:00Z');
			clock.now = () => t0;
			await beat();
			home.respond = statusFromPath;
			const first = await relay('w-ok');
			await relay('w-404', { path: '/status/404' });
			await relay('w-short');
			const at = async (ms: number) => {
				clock.now = () => t0 + ms;
				await beat();
			};
			await at(HOUR + 1);
			expect(await relay('w-short', { idempotencyWindowHours: 1 })).toMatchObject({
				duplicate: false,
				delivered: true,
			});
			await at(24 * HOUR);
			expect(await relay('w-ok')).toMatchObject({ duplicate: true, id: first.id });
			expect(await relay('w-404', { path: '/status/404' })).toMatchObject({ duplicate: true });
			await at(24 * HOUR + 1);
			const again = await relay('w-ok');
			expect(again).toMatchObject({ duplicate: false, delivered: true });
			expect(again.id).not.toBe(first.id);
			expect(await relay('w-404', { path: '/status/404' })).toMatchObject({
				duplicate: false,
				status: 404,
			});
			expect(keysReceived()).toEqual(['w-ok', 'w-404', 'w-short', 'w-short', 'w-ok', 'w-404']);

			// Queued (home away): remembered however long it waits.
			clock.now = () => t0 + 30 * 24 * HOUR;
			const queued = await relay('w-queued');
			clock.now = () => t0 + 40 * 24 * HOUR;
			expect(await relay('w-queued')).toMatchObject({
				duplicate: true,
				queued: true,
				id: queued.id,
			});
		});
	});

	describe('relay: size limits', () => {
		it('keeps the first 1 MB of an answer that never ends, and stops reading it', async () => {
			await beat();
			home.endlessBytes = 0;
			home.respond = () => ({ status: 200, headers: {}, endless: true });
			const answer = await relay('k-endless');
			expect(answer).toMatchObject({ delivered: true, status: 200 });
			expect(Buffer.byteLength(answer.body as string)).toBe(MAX_RESPONSE_BYTES);
			// what was sent before the relay closed the connection: the cap plus socket buffers
			expect(home.endlessBytes).toBeLessThan(64 * MAX_RESPONSE_BYTES);
		});

		it('refuses oversize parts as kind tooLarge (413) and other bad input as input (400), storing nothing', async () => {
			await beat();
			const cases: Array<[string, string, IDataObject, string, RegExp]> = [
				[
					'queue',
					'forwardOrEnqueue',
					{ body: 'x'.repeat(2049), requestOptions: { maxBodyKb: 2 } },
					'tooLarge',
					/Invalid Body: 2049 bytes is more than the limit of 2048/,
				],
				['queue', 'enqueue', { body: 'x'.repeat(1024 * 1024 + 1) }, 'tooLarge', /Invalid Body/],
				[
					'queue',
					'forwardOrEnqueue',
					{ path: `/${'p'.repeat(2048)}` },
					'tooLarge',
					/Invalid Path: longer than 2048/,
				],
				[
					'queue',
					'forwardOrEnqueue',
					{ headers: { 'X-Big': 'v'.repeat(8193) } },
					'tooLarge',
					/Invalid Headers: the value of "X-Big" is longer than 8192/,
				],
				[
					'queue',
					'forwardOrEnqueue',
					{ headers: Object.fromEntries(Array.from({ length: 65 }, (_, n) => [`X-${n}`, 'v'])) },
					'tooLarge',
					/Invalid Headers: more than 64 headers/,
				],
				[
					'source',
					'recordBeat',
					{ metadata: JSON.stringify({ blob: 'm'.repeat(17_000) }) },
					'tooLarge',
					/Invalid Metadata: is larger than 16 KB/,
				],
				['queue', 'forwardOrEnqueue', { method: 'TRACE' }, 'input', /Invalid Method/],
				['queue', 'forwardOrEnqueue', { path: '/a/../b' }, 'input', /Invalid Path/],
			];
			for (const [resource, operation, parameters, errorKind, message] of cases) {
				const result = await hb(
					resource,
					operation,
					{
						source: 'home',
						method: 'POST',
						path: '/ok',
						body: 'b',
						idempotencyKey: 'big',
						...parameters,
					},
					'continueRegularOutput',
				);
				expect(result.json).toEqual([
					{
						error: expect.stringMatching(message),
						details: { errorKind, httpStatus: errorKind === 'tooLarge' ? 413 : 400 },
					},
				]);
			}
			expect(await stats()).toEqual([]);
			expect(home.received).toHaveLength(0);
		});
	});
}
