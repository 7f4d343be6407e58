/**
 * Forward or Enqueue (the relay) in n8n's real engine against one store, with a loopback home:
 * oversize parts refused as `tooLarge`. Run on SQLite and on PostgreSQL.
 */
import type { IDataObject } from 'n8n-workflow';

import { clock } from '../../nodes/Heartbeat/helpers/clock';
import { runNode } from '../support/engine';
import { startHome, type Home } from './heartbeatHome';
import type { StoreUnderTest } from './heartbeatSuite';

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
	const stats = async (source = '') => await ok('queue', 'stats', { source });

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

	describe('relay: size limits', () => {
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
						errorKind,
						httpStatus: errorKind === 'tooLarge' ? 413 : 400,
					},
				]);
			}
			expect(await stats()).toEqual([]);
			expect(home.received).toHaveLength(0);
		});
	});
}
