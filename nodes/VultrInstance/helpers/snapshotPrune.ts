import type { IDataObject } from 'n8n-workflow';

/**
 * The snapshots to delete so that only the newest `keep` whose description starts with `prefix`
 * remain. Snapshots without the prefix are never touched. Ties in `date_created` keep list order.
 */
export function snapshotsToPrune(
	snapshots: IDataObject[],
	prefix: string,
	keep: number,
): IDataObject[] {
	const matching = snapshots
		.map((snapshot, index) => ({
			snapshot,
			index,
			created: Date.parse(String(snapshot.date_created ?? '')) || 0,
		}))
		.filter(({ snapshot }) => String(snapshot.description ?? '').startsWith(prefix))
		.sort((a, b) => b.created - a.created || b.index - a.index);
	return matching.slice(keep).map(({ snapshot }) => snapshot);
}
