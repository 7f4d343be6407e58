import { InputError } from '../../../lib/validation';
import { quoted } from '../../../lib/errors';

export { parseAclTags } from '../../../lib/tailnet-api';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90d`, `12h`, `30m`, `3600s` or plain seconds, bounded by `maxSeconds`. */
export function parseExpiry(field: string, raw: unknown, maxSeconds: number): number {
	const text = String(raw ?? '')
		.trim()
		.toLowerCase();
	const match = /^(\d{1,9})\s*([smhd]?)$/.exec(text);
	if (!match)
		throw new InputError(field, `${quoted(text)} is not a duration such as 1h, 7d or 3600`);
	const seconds = Number(match[1]) * UNITS[match[2] || 's'];
	if (seconds < 60) throw new InputError(field, 'must be at least one minute');
	if (seconds > maxSeconds)
		throw new InputError(field, `must be at most ${Math.floor(maxSeconds / 86_400)} days`);
	return seconds;
}

/** Tailscale accepts at most 50 letters, digits, spaces, hyphens or underscores. */
export function parseKeyDescription(field: string, raw: unknown): string {
	const text = String(raw ?? '').trim();
	if (text && !/^[A-Za-z0-9 _-]{1,50}$/.test(text)) {
		throw new InputError(field, 'at most 50 letters, digits, spaces, "-" or "_"');
	}
	return text;
}

export function parseId(field: string, raw: unknown, pattern = /^[A-Za-z0-9_-]{1,64}$/): string {
	const text = String(raw ?? '').trim();
	if (!pattern.test(text)) throw new InputError(field, `${quoted(text)} is not a valid id`);
	return text;
}
