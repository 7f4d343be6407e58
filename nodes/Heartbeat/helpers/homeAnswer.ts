import type { ForwardSettlement } from '../storage/types';
import { scheduledDelayMs } from '../../../lib/http-retry';
import { DEFAULT_SCHEDULE_SECONDS } from './backoff';
import type { DeliveryResponse } from './drainer';

/** Home took the request: any 2xx. */
export const isDelivered = (status: number): boolean => status >= 200 && status < 300;

// "Not now" rather than "not this request": a timeout, too early, too many requests.
const RETRY_LATER = new Set([408, 425, 429]);
// Server errors a retry cannot change: method or HTTP version not supported, a loop.
const FINAL_SERVER_ERRORS = new Set([501, 505, 508]);

/** Whether a non-2xx answer is worth sending again from the queue; any other answer is final. */
export function isRetryable(status: number): boolean {
	if (status >= 500) return !FINAL_SERVER_ERRORS.has(status);
	return RETRY_LATER.has(status);
}

const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** Home's Retry-After (seconds or an HTTP date) as milliseconds from `now`: 0 when absent or unreadable, at most a day. */
export function retryAfterMs(header: unknown, now: number): number {
	const value = String((Array.isArray(header) ? header[0] : header) ?? '').trim();
	if (!value) return 0;
	const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
	return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : 0;
}

/**
 * What home's answer to a forwarded request makes of it: delivered (2xx), rejected for good (other 4xx,
 * 3xx, 501 …), or queued for Drain, first tried again after Drain's first retry step or home's Retry-After.
 */
export function settlementFor(response: DeliveryResponse, at: number): ForwardSettlement {
	const httpStatus = response.status;
	if (isDelivered(httpStatus)) return { status: 'delivered', httpStatus, at };
	const error = `home answered HTTP ${httpStatus}`;
	if (!isRetryable(httpStatus)) return { status: 'rejected', httpStatus, error, at };
	const delayMs = Math.max(
		scheduledDelayMs(1, DEFAULT_SCHEDULE_SECONDS),
		retryAfterMs(response.headers['retry-after'], at),
	);
	return { status: 'pending', httpStatus, error, attempts: 1, nextAttemptAt: at + delayMs };
}
