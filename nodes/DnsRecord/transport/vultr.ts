import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { sharedRateLimiter } from '../../../lib/rate-limiter';
import { fromProviderName, relativeName } from '../helpers/names';
import {
	ownerFromRecordText,
	ownerRecordName,
	ownerRecordText,
	parseOwnerRecordName,
} from '../helpers/ownership';
import { pairRecords } from '../helpers/pairing';
import { errorField, httpCall, type DnsContext, type HttpApi, type HttpCall } from './http';
import type { DnsProvider, RecordValue, RRset, ZoneRef } from './types';

/** The credential of the Vultr Instance node: one Vultr API key for both nodes. */
export const VULTR_CREDENTIAL = 'vultrApi';
/** Vultr answers 429 above 30 requests per second; the limiter key is the one the Vultr Instance node uses. */
const REQUESTS_PER_SECOND = 30;
const PAGE_SIZE = 500;

interface VultrRecord {
	id: string;
	type: string;
	name: string;
	data: string;
	priority?: number;
	ttl: number;
}

const unquote = (text: string) => (/^".*"$/s.test(text) ? text.slice(1, -1) : text);

function toValue(record: VultrRecord): RecordValue {
	const data = record.type === 'TXT' ? unquote(record.data) : record.data;
	const content = ['CNAME', 'MX'].includes(record.type)
		? data.replace(/\.$/, '').toLowerCase()
		: data;
	return ['MX', 'SRV'].includes(record.type)
		? { content, priority: record.priority ?? 0 }
		: { content };
}

/**
 * Vultr records carry no comment, so ownership lives in a companion TXT record per RRset (external-dns
 * style). Owner records are bookkeeping: they are folded into the RRset they mark, never listed.
 */
export function groupVultrRecords(records: VultrRecord[], zone: string): RRset[] {
	const markers = new Map<string, { id: string; owner: string }>();
	const plain: VultrRecord[] = [];
	for (const record of records) {
		const relative = relativeName(fromProviderName(record.name, zone), zone);
		const marks = record.type === 'TXT' ? parseOwnerRecordName(relative) : undefined;
		const owner = marks && ownerFromRecordText(record.data);
		if (marks && owner)
			markers.set(`${fromProviderName(marks.relative, zone)} ${marks.type}`, {
				id: record.id,
				owner,
			});
		else plain.push(record);
	}
	const sets = new Map<string, RRset>();
	for (const record of plain) {
		const name = fromProviderName(record.name, zone);
		const key = `${name} ${record.type}`;
		let rrset = sets.get(key);
		if (!rrset) {
			const marker = markers.get(key);
			rrset = { name, type: record.type, ttl: record.ttl, values: [], ids: [] };
			if (marker) Object.assign(rrset, { owner: marker.owner, markerId: marker.id });
			sets.set(key, rrset);
		}
		rrset.values.push(toValue(record));
		rrset.ids!.push(record.id);
	}
	return [...sets.values()];
}

function recordData(type: string, value: RecordValue): string {
	return type === 'TXT' ? `"${value.content}"` : value.content;
}

export async function createVultrProvider(this: DnsContext): Promise<DnsProvider> {
	const credentials = await this.getCredentials<{ baseUrl?: string }>(VULTR_CREDENTIAL);
	const baseURL = String(credentials.baseUrl || 'https://api.vultr.com/v2').replace(/\/+$/, '');
	const api: HttpApi = {
		service: 'Vultr',
		credential: VULTR_CREDENTIAL,
		baseURL,
		limiter: sharedRateLimiter(`vultr ${baseURL}`, REQUESTS_PER_SECOND),
		message: errorField,
	};
	const call = async (request: HttpCall) => await httpCall.call(this, api, request);
	const listAll = async <T>(url: string, key: string): Promise<T[]> => {
		const items: T[] = [];
		let cursor = '';
		do {
			const { body } = await call({
				method: 'GET',
				url,
				qs: { per_page: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
			});
			items.push(...(((body as IDataObject)[key] as T[]) ?? []));
			cursor = String(
				(((body as IDataObject).meta as IDataObject)?.links as IDataObject)?.next ?? '',
			);
		} while (cursor);
		return items;
	};
	const recordsPath = (zone: ZoneRef) => `/domains/${encodeURIComponent(zone.id)}/records`;

	return {
		name: 'vultr',
		capabilities: { types: ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'SRV'], proxied: false },

		listZones: async () => {
			const domains = await listAll<IDataObject>('/domains', 'domains');
			return domains.map((d) => ({ id: String(d.domain), name: String(d.domain).toLowerCase() }));
		},

		findZone: async (name) => {
			const { status } = await call({
				method: 'GET',
				url: `/domains/${encodeURIComponent(name)}`,
				allow: [404],
			});
			if (status === 404)
				throw new NodeOperationError(this.getNode(), `The Vultr account has no DNS domain ${name}`);
			return { id: name, name };
		},

		readRRsets: async (zone) => {
			return groupVultrRecords(await listAll<VultrRecord>(recordsPath(zone), 'records'), zone.name);
		},

		apply: async (zone, change, ownerId) => {
			const path = recordsPath(zone);
			const remove = async (id: string) =>
				await call({ method: 'DELETE', url: `${path}/${id}`, allow: [404] });
			// Records go before their owner record: an interrupted delete leaves a still-owned remainder.
			for (const rrset of change.deletes) {
				for (const id of rrset.ids ?? []) await remove(id);
				if (rrset.markerId) await remove(rrset.markerId);
			}
			for (const { desired, current } of change.upserts) {
				const relative = relativeName(desired.name, zone.name);
				const marker = { data: `"${ownerRecordText(ownerId)}"` };
				// The owner record comes first: an interrupted create leaves owned records a re-run converges.
				if (!current?.markerId) {
					await call({
						method: 'POST',
						url: path,
						body: {
							name: ownerRecordName(relative, desired.type),
							type: 'TXT',
							ttl: desired.ttl,
							...marker,
						},
					});
				} else if (current.owner !== ownerId) {
					await call({ method: 'PATCH', url: `${path}/${current.markerId}`, body: marker });
				}
				const steps = pairRecords(desired, current, ownerId);
				const fields = (value: RecordValue): IDataObject => ({
					data: recordData(desired.type, value),
					ttl: desired.ttl,
					...(value.priority !== undefined ? { priority: value.priority } : {}),
				});
				const ttlChanged = current !== undefined && current.ttl !== desired.ttl;
				if (ttlChanged)
					for (const { id, value } of steps.kept)
						await call({ method: 'PATCH', url: `${path}/${id}`, body: fields(value) });
				for (const { id, value } of steps.rewritten)
					await call({ method: 'PATCH', url: `${path}/${id}`, body: fields(value) });
				for (const id of steps.removed) await remove(id);
				for (const value of steps.created) {
					await call({
						method: 'POST',
						url: path,
						body: { name: relative, type: desired.type, ...fields(value) },
					});
				}
			}
		},
	};
}
