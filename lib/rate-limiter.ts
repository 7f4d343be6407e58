import { sleep } from 'n8n-workflow';

/**
 * Sliding-window limiter: at most `limit` starts in any `windowMs`. One instance per remote API
 * (see `sharedRateLimiter`) so every node and item in this process shares the budget. It is only
 * pacing state: losing it (restart, another queue-mode worker) costs at worst a 429, which the
 * retry in http-retry.ts absorbs.
 */
export class RateLimiter {
	private readonly starts: number[] = [];

	constructor(
		readonly limit: number,
		readonly windowMs = 1000,
		private readonly now: () => number = Date.now,
	) {}

	/** Resolves when one more request may start; rejects if `signal` aborts while waiting. */
	async acquire(signal?: AbortSignal): Promise<void> {
		for (;;) {
			if (signal?.aborted) throw new Error('Request cancelled while waiting for the rate limit');
			const now = this.now();
			while (this.starts.length && this.starts[0] <= now - this.windowMs) this.starts.shift();
			if (this.starts.length < this.limit) {
				this.starts.push(now);
				return;
			}
			// Exactly until the oldest start leaves the window: a spare millisecond per wait would halve a
			// limiter that spaces requests 1 ms apart.
			await sleep(this.starts[0] + this.windowMs - now);
		}
	}
}

const limiters = new Map<string, RateLimiter>();

/** The limiter for one remote API (e.g. its base URL), created on first use. */
export function sharedRateLimiter(key: string, limit: number, windowMs = 1000): RateLimiter {
	let limiter = limiters.get(key);
	if (!limiter || limiter.limit !== limit || limiter.windowMs !== windowMs) {
		limiter = new RateLimiter(limit, windowMs);
		limiters.set(key, limiter);
	}
	return limiter;
}
