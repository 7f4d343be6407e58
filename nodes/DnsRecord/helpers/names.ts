import { InputError } from '../../../lib/validation';
import { quoted } from '../../../lib/errors';

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** Service labels (`_acme-challenge`, `_sip._tcp`) are allowed where records are not host names. */
const SERVICE_LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

export function normalizeZone(raw: string): string {
	const zone = raw.trim().toLowerCase().replace(/\.$/, '');
	if (!zone || zone.split('.').some((label) => !HOST_LABEL.test(label))) {
		throw new InputError('Zone', `${quoted(raw)} is not a valid zone name`);
	}
	return zone;
}

/**
 * The fully qualified name (lower case, no trailing dot) for a name given relative to the zone
 * (`www`, `@` or empty for the apex) or fully qualified (`www.example.com`, with or without the dot).
 * A name with dots must end in the zone: `www.other.org` in example.com is refused, never turned
 * into `www.other.org.example.com`.
 */
export function qualifyName(
	field: string,
	raw: string,
	zone: string,
	allowServiceLabels: boolean,
): string {
	if (/[\r\n\0]/.test(raw))
		throw new InputError(field, 'must not contain CR, LF or NUL characters');
	const text = raw.trim().toLowerCase();
	if (text === '' || text === '@' || text === `${zone}.` || text === zone) return zone;
	const absolute = text.endsWith('.');
	const bare = text.replace(/\.$/, '');
	let fqdn: string;
	if (bare.endsWith(`.${zone}`)) fqdn = bare;
	else if (!absolute && !bare.includes('.')) fqdn = `${bare}.${zone}`;
	else throw new InputError(field, `${quoted(raw.trim())} is outside the zone ${zone}`);
	if (fqdn.length > 253)
		throw new InputError(field, `${quoted(fqdn)} is longer than 253 characters`);
	const labels = fqdn.slice(0, -zone.length - 1).split('.');
	labels.forEach((label, index) => {
		if (label === '*' && index === 0) return;
		const pattern = allowServiceLabels ? SERVICE_LABEL : HOST_LABEL;
		if (!pattern.test(label)) {
			throw new InputError(
				field,
				`${quoted(label)} in ${quoted(fqdn)} is not a valid label (1-63 letters, digits or inner hyphens${allowServiceLabels ? ' or underscores' : ''}; a wildcard only as the whole leftmost label)`,
			);
		}
	});
	return fqdn;
}

/** `www` for www.example.com, `` for the apex. */
export function relativeName(fqdn: string, zone: string): string {
	return fqdn === zone ? '' : fqdn.slice(0, -zone.length - 1);
}

/** A provider's name (relative, FQDN, with or without dot, `@`) as the model's FQDN. */
export function fromProviderName(raw: string, zone: string): string {
	const name = raw.toLowerCase().replace(/\.$/, '');
	if (name === '' || name === '@' || name === zone) return zone;
	return name.endsWith(`.${zone}`) ? name : `${name}.${zone}`;
}
