import { sleep } from 'n8n-workflow';

import { notSentCause } from './errors';
import type { RateLimiter } from './rate-limiter';

/** The parts of a full HTTP response (n8n's `returnFullResponse`) the retry logic looks at. */
export interface StatusResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
}

export interface RetryOptions {
	/**
	 * Whether sending the request twice is harmless (GET, DELETE, power actions). Unsafe requests are
	 * retried only after a 429 (the server refused them unseen); a 5xx or a lost connection may hide
	 * a change that did happen, so those end in `UncertainOutcomeError` for the caller to resolve.
	 */
	safe: boolean;
	maxAttempts?: number;
	baseDelayMs?: number;
	maxDelayMs?: number;
	/** A Retry-After longer than this is not waited for; the response is returned as it is. */
	maxRetryAfterMs?: number;
	limiter?: RateLimiter;
	signal?: AbortSignal;
}

/** An unsafe request failed in a way that leaves open whether the server applied it. */
export class UncertainOutcomeError extends Error {
	constructor(
		message: string,
		readonly reason: unknown,
		readonly statusCode?: number,
	) {
		super(message);
		this.name = 'UncertainOutcomeError';
	}
}

/** 429 and 5xx other than 501 (which will not change by asking again). */
export function isRetryableStatus(status: number): boolean {
	return status === 429 || (status >= 500 && status !== 501);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	const text = Array.isArray(value)
		? String(value[0])
		: typeof value === 'string'
			? value.trim()
			: '';
	if (!text) return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before the next attempt, for every retry in the package. Exponential backoff with
 * jitter (between half and all of `base` doubled per attempt, capped at `max`), never shorter than what
 * the server asked for.
 */
export function backoffDelay(
	attempt: number,
	base: number,
	max: number,
	retryAfterMs?: number,
): number {
	const exponential = Math.min(max, base * 2 ** (attempt - 1));
	const jittered = exponential / 2 + Math.random() * (exponential / 2);
	return Math.max(jittered, retryAfterMs ?? 0);
}

/** The delay after `attemptsMade` failed attempts on a fixed schedule (in seconds) whose last step repeats. */
export function scheduledDelayMs(attemptsMade: number, scheduleSeconds: number[]): number {
	const step = Math.min(Math.max(attemptsMade, 1), scheduleSeconds.length) - 1;
	return scheduleSeconds[step] * 1000;
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): unknown {
	if (!headers) return undefined;
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	return key === undefined ? undefined : headers[key];
}

/**
 * Sends a request through `send` (which must resolve with the response for every HTTP status) with
 * rate limiting and retries of 429/5xx and connection failures, honouring Retry-After.
 */
export async function sendWithRetry<T extends StatusResponse>(
	send: () => Promise<T>,
	options: RetryOptions,
): Promise<T> {
	const {
		safe,
		maxAttempts = 5,
		baseDelayMs = 500,
		maxDelayMs = 15_000,
		maxRetryAfterMs = 60_000,
	} = options;
	for (let attempt = 1; ; attempt++) {
		await options.limiter?.acquire(options.signal);
		let response: T;
		try {
			response = await send();
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no node here; callers wrap it
			if (options.signal?.aborted || notSentCause(error)) throw error;
			if (!safe) {
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- resolved or wrapped by the caller
				throw new UncertainOutcomeError('The connection failed before the answer arrived', error);
			}
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no node here; callers wrap it
			if (attempt >= maxAttempts) throw error;
			await sleep(backoffDelay(attempt, baseDelayMs, maxDelayMs));
			continue;
		}
		const status = response.statusCode;
		if (!isRetryableStatus(status)) return response;
		if (!safe && status !== 429) {
			throw new UncertainOutcomeError(`The server answered ${status}`, response, status);
		}
		const retryAfter = parseRetryAfter(headerValue(response.headers, 'retry-after'));
		if (attempt >= maxAttempts || (retryAfter !== undefined && retryAfter > maxRetryAfterMs))
			return response;
		await sleep(backoffDelay(attempt, baseDelayMs, maxDelayMs, retryAfter));
	}
}
