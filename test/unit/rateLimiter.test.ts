import { RateLimiter } from '../../lib/rate-limiter';

/** Start times, relative to the first, of `count` acquisitions in a row; on jest's fake clock. */
async function startTimes(limiter: RateLimiter, count: number): Promise<number[]> {
	const starts: number[] = [];
	const acquiring = (async () => {
		for (let n = 0; n < count; n++) {
			await limiter.acquire();
			starts.push(Date.now());
		}
	})();
	await jest.runAllTimersAsync();
	await acquiring;
	return starts.map((at) => at - starts[0]);
}

describe('RateLimiter', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	it('with a limit of one, spaces starts exactly one window apart', async () => {
		expect(await startTimes(new RateLimiter(1, 50), 5)).toEqual([0, 50, 100, 150, 200]);
		// 1,000 per second stays 1,000 per second: no spare millisecond per wait.
		expect(await startTimes(new RateLimiter(1, 1), 5)).toEqual([0, 1, 2, 3, 4]);
	});

	it('lets `limit` start at once, and the next one when the oldest leaves the window', async () => {
		expect(await startTimes(new RateLimiter(3, 1000), 7)).toEqual([
			0, 0, 0, 1000, 1000, 1000, 2000,
		]);
	});

	it('refuses to wait on for a cancelled execution', async () => {
		const limiter = new RateLimiter(1, 1000);
		await limiter.acquire();
		const controller = new AbortController();
		const refused = expect(limiter.acquire(controller.signal)).rejects.toThrow(
			/cancelled while waiting for the rate limit/,
		);
		controller.abort();
		await jest.runAllTimersAsync();
		await refused;
	});
});
