/** 32-bit FNV-1a of some bytes: the hash in Caddy's config ETags, and the key of a host's bucket. */
export function fnv1a(bytes: Uint8Array): number {
	let hash = 0x811c9dc5;
	for (const byte of bytes) {
		hash ^= byte;
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash;
}
