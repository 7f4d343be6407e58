/** Stored timestamps are epoch milliseconds; output shows them as ISO 8601. */
export function iso(ms: number | null | undefined): string | null {
	return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
