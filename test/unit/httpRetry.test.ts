import { backoffDelay, scheduledDelayMs } from '../../lib/http-retry';

describe('backoffDelay (every retry in the package)', () => {
	it('doubles from the base per attempt, jittered between half and all of it, up to the cap', () => {
		for (let round = 0; round < 200; round++) {
			const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelay(attempt, 100, 1000));
			const full = [100, 200, 400, 800, 1000, 1000, 1000, 1000];
			delays.forEach((delay, n) => {
				expect(delay).toBeGreaterThanOrEqual(full[n] / 2);
				expect(delay).toBeLessThanOrEqual(full[n]);
			});
		}
	});

	it('is never shorter than what the server asked for', () => {
		expect(backoffDelay(1, 100, 1000, 5000)).toBe(5000);
		expect(backoffDelay(8, 100, 1000, 0)).toBeGreaterThanOrEqual(500);
	});

	it('spreads retries that fail at the same moment', () => {
		const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(3, 100, 1000)));
		expect(delays.size).toBeGreaterThan(1);
	});
});

describe('scheduledDelayMs', () => {
	it('takes the step of the attempts made, repeating the last step; a first retry uses the first', () => {
		expect([0, 1, 2, 3, 9].map((attempts) => scheduledDelayMs(attempts, [1, 2.5, 60]))).toEqual([
			1000, 1000, 2500, 60_000, 60_000,
		]);
	});
});
