import { InputError, assertNoControlChars, toList } from '../../../lib/validation';
import { quoted } from '../../../lib/errors';

/** Vultr region ids are three lower-case letters (ewr, fra, sgp …). */
export function parseRegion(field: string, raw: unknown): string {
	const text = String(raw ?? '').trim();
	if (!/^[a-z]{3}$/.test(text))
		throw new InputError(
			field,
			`${quoted(text)} is not a Vultr region id (three letters, e.g. "fra")`,
		);
	return text;
}

/** Plan ids look like vc2-1c-1gb, vhf-1c-2gb, voc-g-2c-8gb-50s-amd. */
export function parsePlan(field: string, raw: unknown): string {
	const text = String(raw ?? '').trim();
	if (!/^[a-z0-9]+(-[a-z0-9]+){1,6}$/.test(text))
		throw new InputError(field, `${quoted(text)} is not a Vultr plan id (e.g. "vhf-1c-1gb")`);
	return text;
}

export function parseOsId(field: string, raw: unknown): number {
	const text = String(raw ?? '').trim();
	if (!/^\d{1,6}$/.test(text))
		throw new InputError(field, `${quoted(text)} is not an operating system id`);
	return Number(text);
}

/**
 * The label is how Create recognises an instance it already bought, so it must be unambiguous:
 * 1-64 letters, digits, dots, dashes, underscores or spaces, starting with a letter or digit.
 */
export function parseLabel(field: string, raw: unknown): string {
	const text = assertNoControlChars(field, String(raw ?? '')).trim();
	if (!/^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/.test(text)) {
		throw new InputError(
			field,
			`${quoted(text)} must be 1-64 letters, digits, ".", "_", "-" or spaces, starting with a letter or digit`,
		);
	}
	return text;
}

const TAG = /^[A-Za-z0-9][A-Za-z0-9:._=-]{0,63}$/;

export function parseTag(field: string, raw: unknown): string {
	const text = String(raw ?? '').trim();
	if (!TAG.test(text))
		throw new InputError(
			field,
			`${quoted(text)} must be 1-64 letters, digits, ":", ".", "_", "=" or "-"`,
		);
	return text;
}

export function parseTags(field: string, raw: unknown): string[] {
	return [...new Set(toList(raw).map((tag) => parseTag(field, tag)))];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseResourceId(field: string, raw: unknown): string {
	const text = String(raw ?? '').trim();
	if (!UUID.test(text)) throw new InputError(field, `${quoted(text)} is not a Vultr id (a UUID)`);
	return text.toLowerCase();
}

export function parseResourceIds(field: string, raw: unknown): string[] {
	return toList(raw).map((id) => parseResourceId(field, id));
}

/** Firewall group ids are 8 hex digits. */
export function parseFirewallGroupId(field: string, raw: unknown): string {
	const text = String(raw ?? '').trim();
	if (!/^[0-9a-f]{8}$/i.test(text))
		throw new InputError(field, `${quoted(text)} is not a firewall group id (8 hex digits)`);
	return text.toLowerCase();
}

export function parseDescriptionPrefix(field: string, raw: unknown): string {
	const text = assertNoControlChars(field, String(raw ?? '')).trim();
	if (!text || text.length > 200) throw new InputError(field, 'give a prefix of 1-200 characters');
	return text;
}
