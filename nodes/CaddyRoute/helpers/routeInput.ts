import { quoted } from '../../../lib/errors';
import { InputError, toList } from '../../../lib/validation';

/** Reading route fields as they arrive (node fields, a JSON list, webhook data): typed, bounded, checked. */

const PATH_PATTERN = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** Bounds on one route, so no single request can publish thousands of names or megabytes of config. */
export const ROUTE_LIMITS = {
	hosts: 100,
	upstreams: 32,
	/** Characters of the raw Hostnames / Upstreams text, before it is split. */
	listText: 100 * 256,
	path: 1024,
	offlineMessage: 4096,
	tlsCaPem: 64 * 1024,
};

/** A text field: absent is empty, a string is itself, anything else (an object from a webhook) is refused. */
export function textOf(field: string, value: unknown, max: number): string {
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string' && typeof value !== 'number') {
		throw new InputError(
			field,
			`must be text, not ${Array.isArray(value) ? 'a list' : typeof value}`,
		);
	}
	const text = String(value);
	if (text.length > max) {
		throw new InputError(
			field,
			`is ${text.length} characters long; at most ${max} are accepted`,
			'tooLarge',
		);
	}
	return text;
}

/** A list field: a list or a comma/space separated text, with at most `max` entries. */
export function listOf(field: string, value: unknown, max: number): string[] {
	if (Array.isArray(value)) {
		if (value.length > max) {
			throw new InputError(
				field,
				`has ${value.length} entries; at most ${max} are accepted`,
				'tooLarge',
			);
		}
		return value.map((entry) => textOf(field, entry, ROUTE_LIMITS.listText).trim()).filter(Boolean);
	}
	const list = toList(textOf(field, value, ROUTE_LIMITS.listText));
	if (list.length > max) {
		throw new InputError(
			field,
			`has ${list.length} entries; at most ${max} are accepted`,
			'tooLarge',
		);
	}
	return list;
}

export function parsePathMatcher(field: string, raw: unknown): string | undefined {
	const path = textOf(field, raw, ROUTE_LIMITS.path).trim();
	if (!path) return undefined;
	if (!PATH_PATTERN.test(path)) {
		throw new InputError(
			field,
			`${quoted(path)} must start with / and contain only URL path characters`,
		);
	}
	if (path.split('/').includes('..'))
		throw new InputError(field, `${quoted(path)} must not contain ".."`);
	return path;
}
