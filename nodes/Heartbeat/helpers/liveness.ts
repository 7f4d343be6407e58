import type { LivenessFields, LivenessState, SourceRecord } from '../storage/types';

export interface LivenessPolicy {
	/** How often the source is expected to beat. */
	intervalMs: number;
	/** Beats that may be missed before the source counts as offline (Uptime Kuma's retries). */
	missedBeats: number;
	/** Extra slack after the last expected beat, so a beat a second late is not an outage. */
	graceMs: number;
	/** While offline, remind every this many ms (0: never). */
	remindEveryMs: number;
}

export type LivenessEvent = 'wentOffline' | 'cameOnline' | 'stillOffline' | 'steady';

export interface Evaluation {
	event: LivenessEvent;
	/** The state the source is in now, judged from its beats. */
	state: LivenessState;
	next: LivenessFields;
	missedBeats: number;
	/** For cameOnline and stillOffline: how long the outage lasted (so far). */
	downtimeMs?: number;
}

/** The moment the source stopped counting as online, or undefined while it still does. */
export function offlineAt(
	source: SourceRecord,
	policy: LivenessPolicy,
	now: number,
): number | undefined {
	if (source.lastSeen === null) return undefined;
	// Any status other than "online" is the source saying it is down (as an Uptime Kuma push with status=down).
	if (source.lastStatus !== 'online') return source.lastSeen;
	const deadline = source.lastSeen + policy.intervalMs * policy.missedBeats + policy.graceMs;
	return now > deadline ? deadline : undefined;
}

export function isAlive(source: SourceRecord, policy: LivenessPolicy, now: number): boolean {
	return source.lastSeen !== null && offlineAt(source, policy, now) === undefined;
}

export function fieldsOf(source: SourceRecord): LivenessFields {
	return {
		state: source.state,
		stateSince: source.stateSince,
		recoveredAt: source.recoveredAt,
		lastReminderAt: source.lastReminderAt,
	};
}

/** The pure state machine behind Check: what happened since the stored state, and the state to store. */
export function evaluate(source: SourceRecord, policy: LivenessPolicy, now: number): Evaluation {
	const current = fieldsOf(source);
	const missedBeats =
		source.lastSeen === null
			? 0
			: Math.max(0, Math.floor((now - source.lastSeen) / policy.intervalMs));
	if (source.lastSeen === null)
		return { event: 'steady', state: 'unknown', next: current, missedBeats };

	const wentDownAt = offlineAt(source, policy, now);
	if (wentDownAt === undefined) {
		if (current.state !== 'offline') {
			const next = {
				state: 'online' as const,
				stateSince: current.stateSince ?? source.lastSeen,
				recoveredAt: null,
				lastReminderAt: null,
			};
			return { event: 'steady', state: 'online', next, missedBeats };
		}
		const backAt = source.recoveredAt ?? source.lastSeen;
		return {
			event: 'cameOnline',
			state: 'online',
			next: { state: 'online', stateSince: backAt, recoveredAt: null, lastReminderAt: null },
			missedBeats,
			downtimeMs: Math.max(0, backAt - (current.stateSince ?? backAt)),
		};
	}

	if (current.state !== 'offline') {
		return {
			event: 'wentOffline',
			state: 'offline',
			next: { state: 'offline', stateSince: wentDownAt, recoveredAt: null, lastReminderAt: now },
			missedBeats,
			downtimeMs: now - wentDownAt,
		};
	}
	const since = current.stateSince ?? wentDownAt;
	const remindDue =
		policy.remindEveryMs > 0 && now - (current.lastReminderAt ?? since) >= policy.remindEveryMs;
	return {
		event: remindDue ? 'stillOffline' : 'steady',
		state: 'offline',
		next: remindDue ? { ...current, lastReminderAt: now } : current,
		missedBeats,
		downtimeMs: now - since,
	};
}
