import type { QueuedItem } from './types';
import type { Row } from './sqlStore';

/**
 * Bodies are read in slices of this many bytes. `pg` receives every value as text, so a bytea arrives as
 * hex (twice its size) and a large row makes pg merge socket chunks into ever larger buffers. Small
 * base64 slices (a third larger than the bytes) keep each protocol message and each string small;
 * each is decoded into its body's Buffer as its row arrives, so no row is collected.
 */
const SLICE_BYTES = 6 * 1024;

/** Runs one statement, handing over each row as it arrives (again from the first after a reconnect). */
type EachRow = (sql: string, params: unknown[], onRow: (row: Row) => void) => Promise<void>;

/**
 * Fills `body` of each item from `lengths` (id → body length; items without an entry have no body), in
 * slices. Returns the items whose bodies were read whole, in order, up to the first one that was not
 * (its body was cleared meanwhile: another drainer delivered it after this one's lease ran out).
 */
export async function readBodies(
	eachRow: EachRow,
	items: QueuedItem[],
	lengths: Map<number, number>,
): Promise<QueuedItem[]> {
	const received = new Map<number, number>();
	const seen = new Set<string>();
	const byId = new Map<number, QueuedItem>();
	for (const item of items) {
		const length = lengths.get(item.id);
		if (length === undefined) continue;
		item.body = Buffer.allocUnsafe(length);
		if (length) byId.set(item.id, item);
	}
	if (!byId.size) return items;
	// One statement per batch: pg allocates a buffer to merge socket reads once per result, not per body.
	await eachRow(
		`SELECT id, s AS offset, encode(substring(body from s + 1 for $2), 'base64') AS part
		 FROM {queue}, generate_series(0, length(body) - 1, $2) AS s
		 WHERE id = ANY($1) AND status = 'pending' ORDER BY id, s`,
		[[...byId.keys()], SLICE_BYTES],
		(row) => {
			const id = Number(row.id);
			const slice = `${id}:${String(row.offset)}`;
			const written =
				byId.get(id)?.body?.write(String(row.part), Number(row.offset), 'base64') ?? 0;
			if (seen.has(slice)) return;
			seen.add(slice);
			received.set(id, (received.get(id) ?? 0) + written);
		},
	);
	const withBodies = [...byId.values()];
	const incomplete = withBodies.findIndex((item) => received.get(item.id) !== item.body?.length);
	return incomplete < 0 ? items : items.slice(0, items.indexOf(withBodies[incomplete]));
}
