/** The package's tag on every snapshot it makes: retention and restore only ever touch these. */
export const PACKAGE_TAG = 'homelab-ingress';

/** A snapshot as `restic snapshots --json` lists it. */
export interface SnapshotJson {
	id: string;
	short_id?: string;
	time: string;
	hostname: string;
	paths: string[];
	tags?: string[];
}

/** One backup run of one set: its parts (all with the run's time) and, once it finished, its manifest. */
export interface Run {
	set: string;
	host: string;
	time: string;
	parts: SnapshotJson[];
	manifest?: SnapshotJson;
}

/** Where a set's run manifest sits in its snapshot. */
export function manifestPath(set: string): string {
	return `/homelab-ingress/runs/${set}.txt`;
}

/** The value of a `name:value` tag of the package's snapshots. */
export function tagValue(snapshot: SnapshotJson, name: string): string {
	const tag = (snapshot.tags ?? []).find((t) => t.startsWith(`${name}:`));
	return tag ? tag.slice(name.length + 1) : '';
}

/** Snapshots this package made (other snapshots in the same repository are never touched). */
export function ownSnapshots(snapshots: SnapshotJson[]): SnapshotJson[] {
	return snapshots.filter(
		(s) => (s.tags ?? []).includes(PACKAGE_TAG) && tagValue(s, 'set') && tagValue(s, 'part'),
	);
}

/** The package's snapshots grouped into runs (same set, host and time), newest first. */
export function runsOf(snapshots: SnapshotJson[]): Run[] {
	const runs = new Map<string, Run>();
	for (const snapshot of ownSnapshots(snapshots)) {
		const set = tagValue(snapshot, 'set');
		const key = JSON.stringify([set, snapshot.hostname, snapshot.time]);
		const run = runs.get(key) ?? { set, host: snapshot.hostname, time: snapshot.time, parts: [] };
		if (tagValue(snapshot, 'part') === 'manifest') run.manifest = snapshot;
		else run.parts.push(snapshot);
		runs.set(key, run);
	}
	return [...runs.values()].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
}
