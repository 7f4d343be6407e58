import { InputError } from '../../../lib/validation';
import { quoted } from '../../../lib/errors';

/** Svix's retry schedule after the immediate first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000];

/** The Retry Schedule field: delays in seconds, applied by `scheduledDelayMs` (lib/http-retry.ts). */
export function parseSchedule(field: string, raw: string): number[] {
	const parts = raw
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
	if (!parts.length) throw new InputError(field, 'give at least one delay in seconds');
	return parts.map((part) => {
		if (!/^\d+(\.\d+)?$/.test(part))
			throw new InputError(field, `${quoted(part)} is not a number of seconds`);
		return Number(part);
	});
}
