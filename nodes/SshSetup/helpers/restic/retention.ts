import { runsOf, type SnapshotJson } from './snapshots';

export interface Retention {
	hourly?: number;
	daily?: number;
	weekly?: number;
	monthly?: number;
}

/** A group of `restic forget --json`: the snapshots the policy keeps and those it drops. */
export interface PolicyGroup {
	tags?: string[];
	keep?: SnapshotJson[] | null;
	remove?: SnapshotJson[] | null;
}

const KEEP_FLAGS: Array<[keyof Retention, string]> = [
	['hourly', '--keep-hourly'],
	['daily', '--keep-daily'],
	['weekly', '--keep-weekly'],
	['monthly', '--keep-monthly'],
];

/** restic's --keep-* flags for the rules that are set; empty when none is. */
export function keepFlags(retention: Retention): string {
	return KEEP_FLAGS.filter(([key]) => retention[key] !== undefined)
		.map(([key, flag]) => `${flag} ${Math.trunc(retention[key]!)}`)
		.join(' ');
}

/** How old a run without manifest must be before it counts as abandoned (it may still be running). */
const ABANDONED_AFTER_MS = 24 * 3600_000;

/**
 * The snapshots to forget, run by run: all of a run whose manifest restic's policy drops, and the
 * parts of a run that never finished once a newer run of its set has finished and a day has passed.
 * Only runs of `sets` count; `list` holds the snapshots of the one host the policy was applied to.
 */
export function snapshotsToForget(
	list: SnapshotJson[],
	policy: PolicyGroup[],
	sets: string[],
	now = Date.now(),
): string[] {
	const dropped = new Set(policy.flatMap((group) => (group.remove ?? []).map((s) => s.id)));
	const runs = runsOf(list).filter((run) => sets.includes(run.set));
	const victims: string[] = [];
	for (const run of runs) {
		const all = [...run.parts, ...(run.manifest ? [run.manifest] : [])].map((s) => s.id);
		if (run.manifest && dropped.has(run.manifest.id)) victims.push(...all);
		const newerFinished = runs.some(
			(other) =>
				other.set === run.set && other.manifest && Date.parse(other.time) > Date.parse(run.time),
		);
		if (!run.manifest && newerFinished && now - Date.parse(run.time) > ABANDONED_AFTER_MS)
			victims.push(...all);
	}
	return victims;
}
