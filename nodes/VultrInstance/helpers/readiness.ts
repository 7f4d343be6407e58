import type { IDataObject } from 'n8n-workflow';

/** Ready means booted and reachable: status active, powered on, and the server status ok. */
export function isReady(instance: IDataObject): boolean {
	return (
		instance.status === 'active' &&
		instance.power_status === 'running' &&
		instance.server_status === 'ok'
	);
}

export interface ReadinessPlan {
	/** A fresh instance is never ready sooner: no poll before `date_created` + this. */
	minimumBootMs: number;
	/** First interval after the minimum boot time; it grows by half each poll up to `maxIntervalMs`. */
	firstIntervalMs: number;
	/** Bounds the delay between "ready" and noticing it. */
	maxIntervalMs: number;
	timeoutMs: number;
}

export const DEFAULT_READINESS: ReadinessPlan = {
	minimumBootMs: 45_000,
	firstIntervalMs: 2_000,
	maxIntervalMs: 4_000,
	timeoutMs: 600_000,
};

export interface ReadinessClock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export interface ReadinessResult {
	ready: boolean;
	instance: IDataObject;
	polls: number;
	waitedMs: number;
}

/**
 * Polls `fetch` until the instance is ready or the timeout passes. It skips the part of the boot
 * that never succeeds (a new instance needs at least `minimumBootMs`), then polls with a growing
 * interval capped at `maxIntervalMs`: few calls, bounded detection delay, far inside 30 req/s.
 */
export async function pollUntilReady(
	fetch: () => Promise<IDataObject>,
	plan: ReadinessPlan,
	clock: ReadinessClock,
	known?: IDataObject,
): Promise<ReadinessResult> {
	const started = clock.now();
	const deadline = started + plan.timeoutMs;
	let polls = 0;
	let instance = known ?? (polls++, await fetch());
	let interval = plan.firstIntervalMs;
	while (!isReady(instance)) {
		const now = clock.now();
		if (now >= deadline) return { ready: false, instance, polls, waitedMs: now - started };
		const created = Date.parse(String(instance.date_created ?? ''));
		const earliest =
			instance.status === 'pending' && Number.isFinite(created) ? created + plan.minimumBootMs : 0;
		const pause = earliest > now ? earliest - now : interval;
		if (earliest <= now) interval = Math.min(plan.maxIntervalMs, interval * 1.5);
		await clock.sleep(Math.min(pause, Math.max(0, deadline - now)));
		instance = await fetch();
		polls++;
	}
	return { ready: true, instance, polls, waitedMs: clock.now() - started };
}
