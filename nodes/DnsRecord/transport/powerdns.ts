import type { IDataObject } from 'n8n-workflow';

import { KindedError } from '../../../lib/errors';
import { sharedRateLimiter } from '../../../lib/rate-limiter';
import { errorField } from '../../../lib/rest-request';
import { fromProviderName } from '../helpers/names';
import { HERITAGE, ownerComment, ownerFromComment } from '../helpers/ownership';
import { httpCall, listInAnswer, type DnsContext, type HttpApi, type HttpCall } from './http';
import {
	RECORD_TYPES,
	type DnsProvider,
	type RecordValue,
	type RRset,
	type RRsetFilter,
	type ZoneChange,
	type ZoneRef,
} from './types';

export const POWERDNS_CREDENTIAL = 'powerDnsApi';
/** A self-hosted server has no published limit; this only keeps a large sync from flooding it. */
const REQUESTS_PER_SECOND = 50;
const TXT_CHUNK = 255;

interface PdnsRRset {
	name: string;
	type: string;
	ttl: number;
	records: Array<{ content: string; disabled?: boolean }>;
	comments?: Array<{ content: string; account?: string }>;
}

const dot = (host: string) => (host === '.' ? '.' : `${host}.`);
const undot = (host: string) => (host === '.' ? '.' : host.replace(/\.$/, '').toLowerCase());

/** TXT text as PowerDNS wants it: quoted character-strings of at most 255 bytes, `"` and `\` escaped. */
export function quoteTxt(text: string): string {
	const bytes = Buffer.from(text, 'utf8');
	const chunks: string[] = [];
	let offset = 0;
	do {
		let end = Math.min(bytes.length, offset + TXT_CHUNK);
		// never split inside a UTF-8 sequence
		while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
		chunks.push(bytes.subarray(offset, end).toString('utf8'));
		offset = end;
	} while (offset < bytes.length);
	return chunks.map((chunk) => `"${chunk.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(' ');
}

export function unquoteTxt(content: string): string {
	const strings = [...content.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) =>
		m[1].replace(/\\(\d{3}|.)/g, (_, c: string) =>
			c.length === 3 ? String.fromCharCode(Number(c)) : c,
		),
	);
	return strings.length ? strings.join('') : content;
}

export function toPdnsContent(type: string, value: RecordValue): string {
	switch (type) {
		case 'CNAME':
			return dot(value.content);
		case 'MX':
			return `${value.priority ?? 0} ${dot(value.content)}`;
		case 'SRV': {
			const [weight, port, target] = value.content.split(' ');
			return `${value.priority ?? 0} ${weight} ${port} ${dot(target)}`;
		}
		case 'TXT':
			return quoteTxt(value.content);
		default:
			return value.content;
	}
}

export function fromPdnsContent(type: string, content: string): RecordValue {
	switch (type) {
		case 'CNAME':
			return { content: undot(content) };
		case 'MX': {
			const [priority, host] = content.split(/\s+/);
			return { content: undot(host ?? ''), priority: Number(priority) };
		}
		case 'SRV': {
			const [priority, weight, port, target] = content.split(/\s+/);
			return { content: `${weight} ${port} ${undot(target ?? '')}`, priority: Number(priority) };
		}
		case 'TXT':
			return { content: unquoteTxt(content) };
		default:
			return { content };
	}
}

export async function createPowerDnsProvider(this: DnsContext): Promise<DnsProvider> {
	const credentials = await this.getCredentials<{ baseUrl: string; serverId?: string }>(
		POWERDNS_CREDENTIAL,
	);
	const root = String(credentials.baseUrl ?? '').replace(/\/+$/, '');
	const serverId = encodeURIComponent(String(credentials.serverId || 'localhost'));
	const api: HttpApi = {
		service: 'PowerDNS',
		credential: POWERDNS_CREDENTIAL,
		baseURL: `${root}/api/v1/servers/${serverId}`,
		limiter: sharedRateLimiter(`powerdns ${root}`, REQUESTS_PER_SECOND),
		message: errorField('error'),
	};
	const call = async (request: HttpCall) => await httpCall.call(this, api, request);
	const zonePath = (zone: ZoneRef) => `/zones/${encodeURIComponent(zone.id)}`;

	return {
		name: 'powerdns',
		capabilities: { types: RECORD_TYPES, proxied: false },

		listZones: async () => {
			const request: HttpCall = { method: 'GET', url: '/zones' };
			return listInAnswer.call(this, api, request, await call(request)).map((zone) => ({
				id: String(zone.id),
				name: undot(String(zone.name)),
			}));
		},

		findZone: async (name) => {
			const request: HttpCall = { method: 'GET', url: '/zones', qs: { zone: `${name}.` } };
			const [zone] = listInAnswer.call(this, api, request, await call(request));
			if (!zone)
				throw new KindedError(
					'upstream',
					`PowerDNS server "${decodeURIComponent(serverId)}" has no zone ${name}`,
				);
			return { id: String(zone.id), name };
		},

		readRRsets: async (zone, filter: RRsetFilter = {}) => {
			const qs: IDataObject = {};
			if (filter.name) {
				qs.rrset_name = `${filter.name}.`;
				if (filter.type) qs.rrset_type = filter.type;
			}
			const request: HttpCall = { method: 'GET', url: zonePath(zone), qs };
			const rrsets = listInAnswer.call(this, api, request, await call(request), 'rrsets');
			return (rrsets as unknown as PdnsRRset[]).map((rrset): RRset => ({
				name: fromProviderName(rrset.name, zone.name),
				type: rrset.type,
				ttl: rrset.ttl,
				values: rrset.records.map((record) => fromPdnsContent(rrset.type, record.content)),
				owner: (rrset.comments ?? []).map((c) => ownerFromComment(c.content)).find(Boolean),
			}));
		},

		apply: async (zone: ZoneRef, change: ZoneChange, ownerId: string) => {
			const rrsets: IDataObject[] = [
				...change.deletes.map((rrset) => ({
					name: `${rrset.name}.`,
					type: rrset.type,
					changetype: 'DELETE',
				})),
				...change.upserts.map(({ desired }) => ({
					name: `${desired.name}.`,
					type: desired.type,
					ttl: desired.ttl,
					changetype: 'REPLACE',
					records: desired.values.map((value) => ({
						content: toPdnsContent(desired.type, value),
						disabled: false,
					})),
					comments: [{ content: ownerComment(ownerId), account: HERITAGE }],
				})),
			];
			// One PATCH is one transaction: the whole change lands or none of it does.
			if (rrsets.length) await call({ method: 'PATCH', url: zonePath(zone), body: { rrsets } });
		},
	};
}
