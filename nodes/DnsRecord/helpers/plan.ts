import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../../../lib/validation';
import type { RRset, ZoneChange } from '../transport/types';
import { relativeName } from './names';
import { cnameConflict, rrsetKey, sameRecords } from './records';

/** What a Sync or Upsert will do, before anything is sent. */
export interface ZonePlan {
	change: ZoneChange;
	created: RRset[];
	updated: RRset[];
	adopted: RRset[];
	deleted: RRset[];
	unchanged: RRset[];
	/** Desired RRsets left alone because records this owner did not write already hold the name/type. */
	skipped: RRset[];
}

/**
 * Converges the RRsets marked with `ownerId` to `desired`. A name/type held by records without this
 * owner's marker is skipped unless `adopt` is on; `removeUndesired` (Sync) deletes this owner's RRsets
 * that are no longer desired. Throws, before any request, when the result would break the CNAME rule.
 */
export function planChanges(
	current: RRset[],
	desired: RRset[],
	options: { ownerId: string; adopt: boolean; removeUndesired: boolean; conflictField: string },
): ZonePlan {
	const plan: ZonePlan = {
		change: { upserts: [], deletes: [] },
		created: [],
		updated: [],
		adopted: [],
		deleted: [],
		unchanged: [],
		skipped: [],
	};
	const currentByKey = new Map(current.map((rrset) => [rrsetKey(rrset), rrset]));
	const final = new Map(currentByKey);
	const wanted = new Set<string>();
	for (const rrset of desired) {
		const key = rrsetKey(rrset);
		wanted.add(key);
		const existing = currentByKey.get(key);
		if (!existing) {
			plan.created.push(rrset);
			plan.change.upserts.push({ desired: rrset });
		} else if (existing.owner === options.ownerId) {
			if (sameRecords(existing, rrset)) {
				plan.unchanged.push(existing);
				continue;
			}
			plan.updated.push(rrset);
			plan.change.upserts.push({ desired: rrset, current: existing });
		} else if (options.adopt) {
			plan.adopted.push(rrset);
			plan.change.upserts.push({ desired: rrset, current: existing });
		} else {
			plan.skipped.push(existing);
			continue;
		}
		final.set(key, rrset);
	}
	if (options.removeUndesired) {
		for (const rrset of current) {
			const key = rrsetKey(rrset);
			if (rrset.owner !== options.ownerId || wanted.has(key)) continue;
			plan.deleted.push(rrset);
			plan.change.deletes.push(rrset);
			final.delete(key);
		}
	}
	const conflict = cnameConflict([...final.values()]);
	if (conflict) throw new InputError(options.conflictField, conflict);
	return plan;
}

export function hasChanges(plan: ZonePlan): boolean {
	return plan.change.upserts.length > 0 || plan.change.deletes.length > 0;
}

/** An RRset as the node outputs it. */
export function describeRRset(rrset: RRset, zone: string, ownerId?: string): IDataObject {
	const result: IDataObject = {
		name: rrset.name,
		relativeName: relativeName(rrset.name, zone) || '@',
		type: rrset.type,
		ttl: rrset.ttl,
		content: rrset.values[0]?.content ?? '',
		contents: rrset.values.map((v) => v.content),
	};
	if (rrset.values[0]?.priority !== undefined) result.priority = rrset.values[0].priority;
	if (rrset.proxied !== undefined) result.proxied = rrset.proxied;
	result.owner = rrset.owner ?? null;
	if (ownerId !== undefined) result.managed = rrset.owner === ownerId;
	return result;
}

export function summarizePlan(plan: ZonePlan, zone: string): IDataObject {
	const brief = (rrset: RRset) => ({
		name: rrset.name,
		type: rrset.type,
		contents: rrset.values.map((v) => v.content),
	});
	return {
		created: plan.created.map(brief),
		updated: plan.updated.map(brief),
		adopted: plan.adopted.map(brief),
		deleted: plan.deleted.map(brief),
		skipped: plan.skipped.map((rrset) => ({
			...brief(rrset),
			owner: rrset.owner ?? null,
			reason: `${relativeName(rrset.name, zone) || '@'} ${rrset.type} exists and is not managed by this owner; turn on Adopt to take it over`,
		})),
		unchanged: plan.unchanged.length,
	};
}
