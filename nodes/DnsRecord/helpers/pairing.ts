import type { RecordValue, RRset } from '../transport/types';

/** Record-level steps for providers that store each record separately (Cloudflare, Vultr). */
export interface RecordSteps {
	/** Existing records that keep their content (they may still need new settings). */
	kept: Array<{ id: string; value: RecordValue }>;
	/** Existing records rewritten with another value (cheaper than delete + create). */
	rewritten: Array<{ id: string; value: RecordValue }>;
	created: RecordValue[];
	removed: string[];
	/** Whether TTL, proxy mode or owner differ, so kept records must be updated too. */
	settingsChanged: boolean;
}

export function pairRecords(
	desired: RRset,
	current: RRset | undefined,
	ownerId: string,
): RecordSteps {
	const existing = (current?.values ?? []).map((value, index) => ({
		value,
		id: current!.ids![index],
	}));
	const steps: RecordSteps = {
		kept: [],
		rewritten: [],
		created: [],
		removed: [],
		settingsChanged:
			!current ||
			current.owner !== ownerId ||
			current.ttl !== desired.ttl ||
			Boolean(current.proxied) !== Boolean(desired.proxied),
	};
	const unmatched: RecordValue[] = [];
	for (const value of desired.values) {
		const index = existing.findIndex(
			(e) => e.value.content === value.content && e.value.priority === value.priority,
		);
		if (index < 0) unmatched.push(value);
		else steps.kept.push(existing.splice(index, 1)[0]);
	}
	for (const value of unmatched) {
		const reuse = existing.shift();
		if (reuse) steps.rewritten.push({ id: reuse.id, value });
		else steps.created.push(value);
	}
	steps.removed = existing.map((e) => e.id);
	return steps;
}
