import { isIP } from 'node:net';

import { assertNoControlChars, InputError, parseHostname } from '../../../lib/validation';
import type { ProviderCapabilities, RecordType, RecordValue, RRset } from '../transport/types';
import { RECORD_TYPES } from '../transport/types';
import { qualifyName } from './names';
import { quoted } from '../../../lib/errors';

/** A record as the user describes it (node fields or one entry of the Sync list). */
export interface RecordInput {
	name: string;
	type: string;
	/** One value (A/AAAA: several separated by commas), or a list of values. */
	content: string | string[];
	ttl?: number | string;
	priority?: number | string;
	proxied?: boolean;
}

/** How the error messages name each input (node field labels, or `Records[3].name` in a list). */
export interface FieldNames {
	name: string;
	type: string;
	content: string;
	ttl: string;
	priority: string;
	proxied: string;
}

export const NODE_FIELDS: FieldNames = {
	name: 'Name',
	type: 'Type',
	content: 'Content',
	ttl: 'TTL',
	priority: 'Priority',
	proxied: 'Proxied',
};

export function listFields(label: string, index: number): FieldNames {
	const at = (key: string) => `${label}[${index}].${key}`;
	return {
		name: at('name'),
		type: at('type'),
		content: at('content'),
		ttl: at('ttl'),
		priority: at('priority'),
		proxied: at('proxied'),
	};
}

export const MIN_TTL = 60;
export const MAX_TTL = 86_400;
const PROXIABLE = ['A', 'AAAA', 'CNAME'];

function parseUint16(field: string, raw: unknown, what: string, min = 0): number {
	const text = String(raw ?? '').trim();
	const value = Number(text);
	if (!/^\d{1,5}$/.test(text) || value < min || value > 65_535) {
		throw new InputError(
			field,
			`${what} ${quoted(text)} must be a whole number from ${min} to 65535`,
		);
	}
	return value;
}

export function parseRecordType(
	field: string,
	raw: string,
	capabilities: ProviderCapabilities,
	provider: string,
): RecordType {
	const type = String(raw ?? '')
		.trim()
		.toUpperCase();
	if (!(RECORD_TYPES as readonly string[]).includes(type)) {
		throw new InputError(field, `${quoted(raw)} is not one of ${RECORD_TYPES.join(', ')}`);
	}
	if (!capabilities.types.includes(type as RecordType)) {
		throw new InputError(field, `${type} records are not supported for ${provider} by this node`);
	}
	return type as RecordType;
}

export function parseTtl(field: string, raw: unknown, capabilities: ProviderCapabilities): number {
	const text = String(raw ?? '').trim();
	const ttl = Number(text);
	if (capabilities.extraTtl !== undefined && ttl === capabilities.extraTtl) return ttl;
	if (!/^\d+$/.test(text) || ttl < MIN_TTL || ttl > MAX_TTL) {
		const extra =
			capabilities.extraTtl !== undefined ? ` (or ${capabilities.extraTtl} for automatic)` : '';
		throw new InputError(
			field,
			`${quoted(text)} must be a whole number of seconds from ${MIN_TTL} to ${MAX_TTL}${extra}`,
		);
	}
	return ttl;
}

/** CR/LF are refused, never split on: a value with a line break is a mistake or an injection. */
function splitValues(field: string, type: RecordType, content: string | string[]): string[] {
	const raw = (Array.isArray(content) ? content : [content]).map((v) =>
		assertNoControlChars(field, String(v ?? '')),
	);
	const parts = type === 'A' || type === 'AAAA' ? raw.flatMap((v) => v.split(/[\s,]+/)) : raw;
	return parts.map((v) => v.trim()).filter((v) => v !== '');
}

function canonicalHost(field: string, raw: string): string {
	return parseHostname(field, raw, false);
}

/** One value in the form the model compares and the providers write. */
function parseValue(type: RecordType, raw: string, field: string): string {
	switch (type) {
		case 'A':
			if (isIP(raw) !== 4) {
				throw new InputError(
					field,
					`${quoted(raw)} is not an IPv4 address${isIP(raw) === 6 ? ' (IPv6 addresses go in AAAA records)' : ''}`,
				);
			}
			return raw;
		case 'AAAA':
			if (isIP(raw) !== 6) {
				throw new InputError(
					field,
					`${quoted(raw)} is not an IPv6 address${isIP(raw) === 4 ? ' (IPv4 addresses go in A records)' : ''}`,
				);
			}
			// the compressed lower-case form, so "2001:DB8:0::1" and "2001:db8::1" compare equal
			return new URL(`http://[${raw}]/`).hostname.slice(1, -1);
		case 'CNAME':
		case 'MX':
			return canonicalHost(field, raw);
		case 'SRV': {
			const parts = raw.split(/\s+/);
			if (parts.length !== 3)
				throw new InputError(
					field,
					`${quoted(raw)} must be "weight port target" (the priority is its own field)`,
				);
			const weight = parseUint16(field, parts[0], 'weight');
			const port = parseUint16(field, parts[1], 'port', 1);
			const target = parts[2] === '.' ? '.' : canonicalHost(field, parts[2]);
			return `${weight} ${port} ${target}`;
		}
		case 'TXT': {
			const text = /^".*"$/s.test(raw) ? raw.slice(1, -1) : raw;
			if (text.length > 2048)
				throw new InputError(field, 'TXT content is longer than 2048 characters');
			return text;
		}
	}
}

/** Validates one desired record and builds its RRset. Nothing here talks to the provider. */
export function buildRRset(
	input: RecordInput,
	zone: string,
	capabilities: ProviderCapabilities,
	provider: string,
	fields: FieldNames = NODE_FIELDS,
	defaultTtl = 300,
): RRset {
	const type = parseRecordType(fields.type, input.type, capabilities, provider);
	const name = qualifyName(
		fields.name,
		String(input.name ?? ''),
		zone,
		type === 'TXT' || type === 'SRV',
	);
	if (type === 'CNAME' && name === zone)
		throw new InputError(fields.name, `a CNAME cannot be at the zone apex (${zone})`);
	const texts = splitValues(fields.content, type, input.content);
	if (!texts.length) throw new InputError(fields.content, 'at least one value is required');
	if (type === 'CNAME' && texts.length > 1)
		throw new InputError(fields.content, 'a CNAME has exactly one target');
	const hasPriority = type === 'MX' || type === 'SRV';
	const priority = hasPriority
		? parseUint16(fields.priority, input.priority ?? 10, 'priority')
		: undefined;
	const values: RecordValue[] = [];
	for (const text of texts) {
		const content = parseValue(type, text, fields.content);
		if (!values.some((v) => v.content === content))
			values.push(hasPriority ? { content, priority } : { content });
	}
	const proxied = Boolean(input.proxied);
	if (proxied && (!capabilities.proxied || !PROXIABLE.includes(type))) {
		throw new InputError(
			fields.proxied,
			capabilities.proxied
				? `${type} records cannot be proxied`
				: `only Cloudflare proxies records`,
		);
	}
	// Cloudflare gives proxied records the automatic TTL; asking for another would never converge.
	const ttl = proxied ? 1 : parseTtl(fields.ttl, input.ttl ?? defaultTtl, capabilities);
	const rrset: RRset = { name, type, ttl, values };
	if (capabilities.proxied && PROXIABLE.includes(type)) rrset.proxied = proxied;
	return rrset;
}

export function rrsetKey(rrset: { name: string; type: string }): string {
	return `${rrset.name} ${rrset.type}`;
}

function valuesKey(values: RecordValue[]): string {
	return values
		.map((v) => `${v.priority ?? ''} ${v.content}`)
		.sort()
		.join('\n');
}

/** Same records, TTL and proxy mode (ownership is judged separately). */
export function sameRecords(current: RRset, desired: RRset): boolean {
	return (
		current.ttl === desired.ttl &&
		valuesKey(current.values) === valuesKey(desired.values) &&
		(desired.proxied === undefined || Boolean(current.proxied) === desired.proxied)
	);
}

/**
 * The first CNAME rule the zone would break (a CNAME shares its name with nothing else), judged on the
 * zone as it would be after the change, or undefined when it is consistent.
 */
export function cnameConflict(rrsets: RRset[]): string | undefined {
	const byName = new Map<string, string[]>();
	for (const rrset of rrsets)
		byName.set(rrset.name, [...(byName.get(rrset.name) ?? []), rrset.type]);
	for (const [name, types] of byName) {
		if (types.includes('CNAME') && types.length > 1) {
			return `a CNAME cannot share the name ${name} with other records (${types.filter((t) => t !== 'CNAME').join(', ')})`;
		}
	}
	return undefined;
}
