import { scheduledDelayMs } from '../../lib/http-retry';
import { DEFAULT_SCHEDULE_SECONDS, parseSchedule } from '../../nodes/Heartbeat/helpers/backoff';
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
