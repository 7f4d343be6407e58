import type { IDataObject } from 'n8n-workflow';

import { KindedError } from '../../../lib/errors';
import { sharedRateLimiter } from '../../../lib/rate-limiter';
import { fromProviderName } from '../helpers/names';
import { ownerComment, ownerFromComment } from '../helpers/ownership';
import { pairRecords } from '../helpers/pairing';
import { httpCall, listInAnswer, type DnsContext, type HttpApi, type HttpCall } from './http';
import type { DnsProvider, RecordValue, RRset, RRsetFilter, ZoneChange, ZoneRef } from './types';

export const CLOUDFLARE_CREDENTIAL = 'cloudflareDnsApi';
/** 1,200 requests per 5 minutes per user/token; going over blocks every call for 5 minutes. */
const RATE_LIMIT = 1_200;
const RATE_WINDOW_MS = 300_000;
const RECORDS_PAGE = 1_000;
const ZONES_PAGE = 50;
/** A stop for a server whose page count never ends; far beyond any zone. */
const MAX_PAGES = 1_000;
/** Changes per batch request (the smallest per-plan batch limit, so it works on every plan). */
export const BATCH_SIZE = 200;

interface CloudflareRecord {
	id: string;
	name: string;
	type: string;
	content: string;
	ttl: number;
	proxied?: boolean;
	priority?: number;
	comment?: string | null;
}

interface Envelope {
	success: boolean;
	errors?: Array<{ code: number; message: string }>;
	result: unknown;
	result_info?: { page: number; total_pages: number };
}

function cloudflareMessage(body: unknown): string | undefined {
	const errors = (body as Envelope | undefined)?.errors;
	return Array.isArray(errors) && errors.length
		? errors.map((e) => `${e.message} (code ${e.code})`).join('; ')
		: undefined;
}

/** Groups records into RRsets; an RRset is owned only when every record carries the same marker. */
export function groupRecords(records: CloudflareRecord[], zone: string): RRset[] {
	const sets = new Map<string, RRset & { owners: Array<string | undefined> }>();
	for (const record of records) {
		const name = fromProviderName(record.name, zone);
		const key = `${name} ${record.type}`;
		let rrset = sets.get(key);
		if (!rrset) {
			rrset = { name, type: record.type, ttl: record.ttl, values: [], ids: [], owners: [] };
			if (['A', 'AAAA', 'CNAME'].includes(record.type)) rrset.proxied = Boolean(record.proxied);
			sets.set(key, rrset);
		}
		const value: RecordValue = {
			content:
				record.type === 'CNAME' || record.type === 'MX'
					? record.content.toLowerCase()
					: record.content,
		};
		if (record.priority !== undefined && ['MX', 'SRV'].includes(record.type))
			value.priority = record.priority;
		rrset.values.push(value);
		rrset.ids!.push(record.id);
		rrset.owners.push(ownerFromComment(record.comment));
	}
	return [...sets.values()].map(({ owners, ...rrset }) => {
		const owner = owners[0];
		return owner && owners.every((o) => o === owner) ? { ...rrset, owner } : rrset;
	});
}

interface Batch {
	deletes: IDataObject[];
	patches: IDataObject[];
	posts: IDataObject[];
}

/** The record-level changes that turn `current` into `desired`, reusing records whose content stays. */
export function recordChanges(change: ZoneChange, ownerId: string): Batch {
	const batch: Batch = { deletes: [], patches: [], posts: [] };
	const comment = ownerComment(ownerId);
	for (const rrset of change.deletes) for (const id of rrset.ids ?? []) batch.deletes.push({ id });
	for (const { desired, current } of change.upserts) {
		const fields = (value: RecordValue): IDataObject => {
			const body: IDataObject = {
				type: desired.type,
				name: desired.name,
				content: value.content,
				ttl: desired.ttl,
				comment,
			};
			if (desired.proxied !== undefined) body.proxied = desired.proxied;
			if (value.priority !== undefined) body.priority = value.priority;
			return body;
		};
		const steps = pairRecords(desired, current, ownerId);
		if (steps.settingsChanged)
			for (const { id, value } of steps.kept) batch.patches.push({ id, ...fields(value) });
		for (const { id, value } of steps.rewritten) batch.patches.push({ id, ...fields(value) });
		for (const value of steps.created) batch.posts.push(fields(value));
		for (const id of steps.removed) batch.deletes.push({ id });
	}
	return batch;
}

export async function createCloudflareProvider(this: DnsContext): Promise<DnsProvider> {
	const credentials = await this.getCredentials<{ baseUrl?: string }>(CLOUDFLARE_CREDENTIAL);
	const baseURL = String(credentials.baseUrl || 'https://api.cloudflare.com/client/v4').replace(
		/\/+$/,
		'',
	);
	const api: HttpApi = {
		service: 'Cloudflare',
		credential: CLOUDFLARE_CREDENTIAL,
		baseURL,
		limiter: sharedRateLimiter(`cloudflare ${baseURL}`, RATE_LIMIT, RATE_WINDOW_MS),
		message: cloudflareMessage,
	};
	const call = async (request: HttpCall) => (await httpCall.call(this, api, request)) as Envelope;
	const listAll = async <T>(url: string, qs: IDataObject, perPage: number): Promise<T[]> => {
		const items: T[] = [];
		for (let page = 1; page <= MAX_PAGES; page++) {
			const request: HttpCall = { method: 'GET', url, qs: { ...qs, page, per_page: perPage } };
			const envelope = await call(request);
			items.push(...(listInAnswer.call(this, api, request, envelope, 'result') as T[]));
			if (page >= Number(envelope.result_info?.total_pages ?? 1)) break;
		}
		return items;
	};
	const recordsPath = (zone: ZoneRef) => `/zones/${encodeURIComponent(zone.id)}/dns_records`;

	return {
		name: 'cloudflare',
		capabilities: { types: ['A', 'AAAA', 'CNAME', 'TXT', 'MX'], proxied: true, extraTtl: 1 },

		listZones: async () => {
			const zones = await listAll<IDataObject>('/zones', {}, ZONES_PAGE);
			return zones.map((zone) => ({ id: String(zone.id), name: String(zone.name).toLowerCase() }));
		},

		findZone: async (name) => {
			const request: HttpCall = { method: 'GET', url: '/zones', qs: { name } };
			const [zone] = listInAnswer.call(this, api, request, await call(request), 'result');
			if (!zone)
				throw new KindedError('upstream', `The Cloudflare token sees no zone named ${name}`);
			return { id: String(zone.id), name };
		},

		readRRsets: async (zone, filter: RRsetFilter = {}) => {
			const qs: IDataObject = {};
			if (filter.name) qs.name = filter.name;
			if (filter.type) qs.type = filter.type;
			return groupRecords(
				await listAll<CloudflareRecord>(recordsPath(zone), qs, RECORDS_PAGE),
				zone.name,
			);
		},

		apply: async (zone, change, ownerId) => {
			const { deletes, patches, posts } = recordChanges(change, ownerId);
			const path = recordsPath(zone);
			const total = deletes.length + patches.length + posts.length;
			if (total === 1) {
				if (deletes.length)
					await httpCall.call(this, api, {
						method: 'DELETE',
						url: `${path}/${deletes[0].id}`,
						allowedStatuses: [404],
					});
				else if (patches.length) {
					const { id, ...body } = patches[0];
					await call({ method: 'PATCH', url: `${path}/${String(id)}`, body });
				} else await call({ method: 'POST', url: path, body: posts[0] });
				return;
			}
			// Several changes go through the batch endpoint: one request (and one rate-limit unit) per
			// BATCH_SIZE changes, each batch applied atomically; deletes run first, so a name can change type.
			const ordered = [
				...deletes.map((body) => ['deletes', body] as const),
				...patches.map((body) => ['patches', body] as const),
				...posts.map((body) => ['posts', body] as const),
			];
			for (let start = 0; start < ordered.length; start += BATCH_SIZE) {
				const body: Batch = { deletes: [], patches: [], posts: [] };
				for (const [kind, item] of ordered.slice(start, start + BATCH_SIZE)) body[kind].push(item);
				await call({ method: 'POST', url: `${path}/batch`, body: { ...body } });
			}
		},
	};
}
