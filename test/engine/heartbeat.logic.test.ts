import { scheduledDelayMs } from '../../lib/http-retry';
import { DEFAULT_SCHEDULE_SECONDS, parseSchedule } from '../../nodes/Heartbeat/helpers/backoff';
import { isRetryable, retryAfterMs } from '../../nodes/Heartbeat/helpers/homeAnswer';
import { evaluate, type LivenessPolicy } from '../../nodes/Heartbeat/helpers/liveness';
import { parseBaseUrl, parseRelativePath } from '../../nodes/Heartbeat/helpers/request';
import type { SourceRecord } from '../../nodes/Heartbeat/storage/types';

const policy: LivenessPolicy = {
	intervalMs: 60_000,
	missedBeats: 2,
	graceMs: 5_000,
	remindEveryMs: 0,
};
const source = (fields: Partial<SourceRecord>): SourceRecord => ({
	source: 'home',
	lastSeen: 0,
	lastStatus: 'online',
	metadata: null,
	baseUrl: null,
	state: 'unknown',
	stateSince: null,
	recoveredAt: null,
	lastReminderAt: null,
	...fields,
});

describe('liveness state machine (pure)', () => {
	it('moves unknown → online silently and online → offline only after missed beats × interval + grace', () => {
		expect(evaluate(source({}), policy, 10_000)).toMatchObject({
			event: 'steady',
			state: 'online',
			next: { state: 'online', stateSince: 0 },
		});
		const online = source({ state: 'online', stateSince: 0 });
		expect(evaluate(online, policy, 125_000).event).toBe('steady');
		expect(evaluate(online, policy, 125_001)).toMatchObject({
			event: 'wentOffline',
			next: { state: 'offline', stateSince: 125_000 },
		});
		expect(evaluate(source({ lastSeen: null }), policy, 10 ** 9)).toMatchObject({
			event: 'steady',
			state: 'unknown',
		});
	});

	it('reports cameOnline with the downtime from going offline to the first beat back', () => {
		const back = source({
			state: 'offline',
			stateSince: 125_000,
			lastSeen: 400_000,
			recoveredAt: 325_000,
		});
		expect(evaluate(back, policy, 401_000)).toMatchObject({
			event: 'cameOnline',
			downtimeMs: 200_000,
			next: { recoveredAt: null },
		});
	});

	it('reminds every N while offline, counted from the last reminder', () => {
		const reminding = { ...policy, remindEveryMs: 60_000 };
		const offline = source({ state: 'offline', stateSince: 125_000, lastReminderAt: 130_000 });
		expect(evaluate(offline, reminding, 189_999).event).toBe('steady');
		expect(evaluate(offline, reminding, 190_000)).toMatchObject({
			event: 'stillOffline',
			next: { lastReminderAt: 190_000 },
		});
	});
});

describe('retry schedule', () => {
	it("follows Svix's schedule and repeats its last step", () => {
		expect(
			[1, 2, 3, 7, 8, 20].map((n) => scheduledDelayMs(n, DEFAULT_SCHEDULE_SECONDS) / 1000),
		).toEqual([5, 300, 1800, 36000, 36000, 36000]);
		expect(parseSchedule('Retry Schedule', '1, 2.5')).toEqual([1, 2.5]);
		expect(() => parseSchedule('Retry Schedule', '1,soon')).toThrow(/"soon" is not a number/);
	});
});

describe('relay paths and base URLs', () => {
	it('keeps good relative paths and refuses the rest', () => {
		expect(parseRelativePath('/api/v1/items?id=5&x=%20')).toBe('/api/v1/items?id=5&x=%20');
		for (const bad of [
			'',
			'api',
			'https://x/y',
			'//x/y',
			'/a/./b',
			'/a/%2E%2E',
			'/a\\b',
			'/a\tb',
			'/%zz',
		]) {
			expect(() => parseRelativePath(bad)).toThrow(/Invalid Path/);
		}
	});

	it('accepts http(s) base URLs without credentials, query or link-local targets', () => {
		expect(parseBaseUrl('Base URL', 'http://100.64.0.2:8080/')).toBe('http://100.64.0.2:8080');
		for (const bad of [
			'ftp://x',
			'http://u:p@x',
			'http://x/?q=1',
			'http://[fe80::1]/',
			'not a url',
		]) {
			expect(() => parseBaseUrl('Base URL', bad)).toThrow(/Invalid Base URL/);
		}
	});
});

describe("home's answers to a forwarded request", () => {
	it('retries 5xx but 501, 505 and 508, and 408, 425 and 429; every other status is final', () => {
		const retried = [500, 502, 503, 504, 507, 511, 408, 425, 429];
		const final = [501, 505, 508, 400, 401, 403, 404, 409, 410, 413, 422, 301, 302, 304];
		expect(retried.filter((status) => !isRetryable(status))).toEqual([]);
		expect(final.filter((status) => isRetryable(status))).toEqual([]);
	});

	it('reads Retry-After as seconds or an HTTP date, capped at a day, and ignores what it cannot read', () => {
		const now = Date.parse('2025-06-01T12:00:00Z');
		expect(retryAfterMs('120', now)).toBe(120_000);
		expect(retryAfterMs(['30'], now)).toBe(30_000);
		expect(retryAfterMs('Sun, 01 Jun 2025 12:10:00 GMT', now)).toBe(600_000);
		expect(retryAfterMs('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
		expect(retryAfterMs(String(7 * 24 * 3600), now)).toBe(24 * 3_600_000);
		for (const unreadable of [undefined, '', 'soon', '-5', '1.5'])
			expect(retryAfterMs(unreadable, now)).toBe(0);
	});
});
