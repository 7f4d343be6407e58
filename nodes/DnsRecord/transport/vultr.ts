import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { KindedError } from '../../../lib/errors';
import { vultrCall, vultrListAll, vultrRequest, type VultrCall } from '../../../lib/vultr-api';
import { fromProviderName, relativeName } from '../helpers/names';
import {
	ownerFromRecordText,
	ownerRecordName,
	ownerRecordText,
	parseOwnerRecordName,
} from '../helpers/ownership';
import { pairRecords } from '../helpers/pairing';
import type { DnsContext } from './http';
import type { DnsProvider, RecordValue, RRset, ZoneRef } from './types';

interface VultrRecord extends IDataObject {
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
	// PATCH sets absolute values, so only a POST is unsafe to send twice (as for the other providers).
	const call = async (method: IHttpRequestMethods, url: string, options: VultrCall = {}) =>
		await vultrRequest.call(this, method, url, { safe: method !== 'POST', ...options });
	const recordsPath = (zone: ZoneRef) => `/domains/${encodeURIComponent(zone.id)}/records`;

	return {
		name: 'vultr',
		capabilities: { types: ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'SRV'], proxied: false },

		listZones: async () => {
			const domains = await vultrListAll.call(this, '/domains', 'domains');
			return domains.map((d) => ({ id: String(d.domain), name: String(d.domain).toLowerCase() }));
		},

		findZone: async (name) => {
			const { status } = await vultrCall.call(this, 'GET', `/domains/${encodeURIComponent(name)}`, {
				allowedStatuses: [404],
			});
			if (status === 404)
				throw new KindedError('upstream', `The Vultr account has no DNS domain ${name}`);
			return { id: name, name };
		},

		readRRsets: async (zone) => {
			const records = await vultrListAll.call(this, recordsPath(zone), 'records');
			return groupVultrRecords(records as VultrRecord[], zone.name);
		},

		apply: async (zone, change, ownerId) => {
			const path = recordsPath(zone);
			const remove = async (id: string) =>
				await call('DELETE', `${path}/${id}`, { allowedStatuses: [404] });
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
					await call('POST', path, {
						body: {
							name: ownerRecordName(relative, desired.type),
							type: 'TXT',
							ttl: desired.ttl,
							...marker,
						},
					});
				} else if (current.owner !== ownerId) {
					await call('PATCH', `${path}/${current.markerId}`, { body: marker });
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
						await call('PATCH', `${path}/${id}`, { body: fields(value) });
				for (const { id, value } of steps.rewritten)
					await call('PATCH', `${path}/${id}`, { body: fields(value) });
				for (const id of steps.removed) await remove(id);
				for (const value of steps.created) {
					await call('POST', path, {
						body: { name: relative, type: desired.type, ...fields(value) },
					});
				}
			}
		},
	};
}
