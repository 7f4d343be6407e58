import { InputError } from '../../../lib/validation';
import { quoted } from '../../../lib/errors';

/** Who wrote a record: the package, and the owner id the user set (one per n8n setup or purpose). */
export const HERITAGE = 'n8n-homelab-ingress';

const OWNER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function parseOwnerId(raw: string): string {
	const id = String(raw ?? '').trim();
	if (!OWNER_ID.test(id)) {
		throw new InputError(
			'Owner ID',
			`${quoted(id)} must be 1-63 letters, digits, ".", "_" or "-" (starting with a letter or digit)`,
		);
	}
	return id;
}

/** The comment that marks a record (Cloudflare record comment, PowerDNS rrset comment). */
export function ownerComment(ownerId: string): string {
	return `${HERITAGE} owner=${ownerId}`;
}

export function ownerFromComment(comment: unknown): string | undefined {
	const match = new RegExp(`^${HERITAGE} owner=([A-Za-z0-9._-]+)$`).exec(
		String(comment ?? '').trim(),
	);
	return match?.[1];
}

/**
 * external-dns style companion TXT record (used where records carry no comment, i.e. Vultr): the
 * owner record of `www` A is `_hli-a.www`, of the apex A `_hli-a`, of `*.lab` A `_hli-a-wildcard.lab`.
 * Its own name never clashes with a CNAME at the record's name.
 */
export function ownerRecordName(relative: string, type: string): string {
	const prefix = `_hli-${type.toLowerCase()}`;
	if (relative === '') return prefix;
	if (relative === '*') return `${prefix}-wildcard`;
	if (relative.startsWith('*.')) return `${prefix}-wildcard.${relative.slice(2)}`;
	return `${prefix}.${relative}`;
}

/** The record name and type an owner record stands for, or undefined for any other name. */
export function parseOwnerRecordName(
	relative: string,
): { relative: string; type: string } | undefined {
	const match = /^_hli-([a-z]+)(-wildcard)?(?:\.(.+))?$/.exec(relative);
	if (!match) return undefined;
	const [, type, wildcard, rest] = match;
	const base = rest ?? '';
	return { type: type.toUpperCase(), relative: wildcard ? (base ? `*.${base}` : '*') : base };
}

export function ownerRecordText(ownerId: string): string {
	return `heritage=${HERITAGE},${HERITAGE}/owner=${ownerId}`;
}

export function ownerFromRecordText(text: string): string | undefined {
	const match = new RegExp(`^"?heritage=${HERITAGE},${HERITAGE}/owner=([A-Za-z0-9._-]+)"?$`).exec(
		text.trim(),
	);
	return match?.[1];
}
