/** DNS records of a zone: CRUD, list filters, and the atomic batch endpoint (service-apis.md §5). */
import { isIP } from 'node:net';

import { SimError, type SimRequest, type Simulator } from '../core/server';
import { cfError, ok, paginate } from './envelope';
import { cfId, type CloudflareRecord, type CloudflareZone } from './state';

const TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SRV', 'CAA'];
const PROXIABLE = ['A', 'AAAA', 'CNAME'];
const COMMENT_MAX = 100;
const HOST =
	/^(?=.{1,253}$)(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

function fqdn(zone: CloudflareZone, raw: string): string {
	const name = raw.trim().toLowerCase().replace(/\.$/, '');
	if (name === '@' || name === '' || name === zone.name) return zone.name;
	return name.endsWith(`.${zone.name}`) ? name : `${name}.${zone.name}`;
}

function object(body: unknown): Record<string, unknown> {
	if (!body || typeof body !== 'object' || Array.isArray(body))
		throw cfError(400, 9207, 'Request body is invalid.');
	return body as Record<string, unknown>;
}

/** A record as Cloudflare would store it from a create/overwrite/patch body, or the validation error. */
function buildRecord(
	zone: CloudflareZone,
	body: Record<string, unknown>,
	now: string,
	existing?: CloudflareRecord,
): CloudflareRecord {
	const merged = { ...(existing ?? {}), ...body } as Record<string, unknown>;
	const type = String(merged.type ?? '');
	if (!TYPES.includes(type)) throw cfError(400, 9000, `DNS record type "${type}" is invalid.`);
	if (typeof merged.name !== 'string' || !merged.name)
		throw cfError(400, 9005, 'DNS record name is required.');
	const name = fqdn(zone, merged.name);
	if (!HOST.test(name)) throw cfError(400, 9005, 'DNS name is invalid.');
	if (typeof merged.content !== 'string' || !merged.content)
		throw cfError(400, 9007, 'Content is required.');
	const content = merged.content;
	if (/[\r\n\0]/.test(content)) throw cfError(400, 9007, 'Content contains invalid characters.');
	if (type === 'A' && isIP(content) !== 4)
		throw cfError(400, 9005, 'Content for A record must be a valid IPv4 address.');
	if (type === 'AAAA' && isIP(content) !== 6)
		throw cfError(400, 9006, 'Content for AAAA record must be a valid IPv6 address.');
	if ((type === 'CNAME' || type === 'MX') && !HOST.test(content.toLowerCase().replace(/\.$/, ''))) {
		throw cfError(400, 9007, `Content for ${type} record is invalid.`);
	}
	const proxied = Boolean(merged.proxied);
	if (proxied && !PROXIABLE.includes(type))
		throw cfError(400, 9004, `${type} records cannot be proxied.`);
	const ttl = proxied ? 1 : Number(merged.ttl ?? 1);
	if (!(ttl === 1 || (Number.isInteger(ttl) && ttl >= 60 && ttl <= 86_400))) {
		throw cfError(
			400,
			9021,
			'Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.',
		);
	}
	const comment =
		merged.comment === undefined || merged.comment === null ? null : String(merged.comment);
	if (comment !== null && comment.length > COMMENT_MAX)
		throw cfError(400, 9101, `DNS record comment is longer than ${COMMENT_MAX} characters.`);
	const record: CloudflareRecord = {
		id: existing?.id ?? cfId(),
		zone_id: zone.id,
		zone_name: zone.name,
		name,
		type,
		content: type === 'CNAME' || type === 'MX' ? content.toLowerCase().replace(/\.$/, '') : content,
		proxiable: PROXIABLE.includes(type),
		proxied,
		ttl,
		settings: {},
		meta: {},
		comment,
		tags: Array.isArray(merged.tags) ? (merged.tags as string[]) : [],
		created_on: existing?.created_on ?? now,
		modified_on: now,
	};
	if (type === 'MX' || type === 'SRV') {
		const priority = Number(merged.priority);
		if (!Number.isInteger(priority) || priority < 0 || priority > 65_535)
			throw cfError(400, 9100, `${type} records need a priority from 0 to 65535.`);
		record.priority = priority;
	}
	return record;
}

/** Cloudflare's rules between records of one name (checked against the zone as it would be). */
function checkConflicts(records: Iterable<CloudflareRecord>, record: CloudflareRecord): void {
	for (const other of records) {
		if (other.id === record.id || other.name !== record.name) continue;
		if (other.type === record.type && other.content === record.content)
			throw cfError(400, 81058, 'An identical record already exists.');
		if (record.type === 'CNAME' && other.type === 'CNAME')
			throw cfError(400, 81057, 'Record already exists.');
		if (record.type === 'CNAME' || other.type === 'CNAME') {
			throw cfError(400, 81053, 'An A, AAAA, or CNAME record with that host already exists.');
		}
		if (record.type === 'NS' || other.type === 'NS')
			throw cfError(400, 81056, 'NS records cannot share a name with other records.');
	}
}

/** `name`, `name.exact|contains|startswith|endswith`, `type`, `content`, `content.exact`, `comment.present|absent`, `match`. */
function matches(record: CloudflareRecord, query: URLSearchParams): boolean {
	const tests: boolean[] = [];
	const text = (value: string | null) => (value ?? '').toLowerCase();
	for (const [key, raw] of query) {
		const value = raw.toLowerCase();
		if (key === 'name' || key === 'name.exact')
			tests.push(record.name === value.replace(/\.$/, ''));
		else if (key === 'name.contains') tests.push(record.name.includes(value));
		else if (key === 'name.startswith') tests.push(record.name.startsWith(value));
		else if (key === 'name.endswith') tests.push(record.name.endsWith(value));
		else if (key === 'type') tests.push(record.type === raw.toUpperCase());
		else if (key === 'content' || key === 'content.exact')
			tests.push(text(record.content) === value);
		else if (key === 'comment.present') tests.push(record.comment !== null);
		else if (key === 'comment.absent') tests.push(record.comment === null);
		else if (key === 'comment.exact') tests.push(record.comment === raw);
	}
	if (!tests.length) return true;
	return query.get('match') === 'any' ? tests.some(Boolean) : tests.every(Boolean);
}

const LIST_KEYS =
	/^(name(\.(exact|contains|startswith|endswith))?|type|content(\.exact)?|comment\.(present|absent|exact)|match|page|per_page|order|direction)$/;

export function registerRecords(
	sim: Simulator,
	zoneOf: (request: SimRequest) => CloudflareZone,
): void {
	const now = () => new Date(sim.clock.now()).toISOString();
	const recordOf = (request: SimRequest): CloudflareRecord => {
		const record = zoneOf(request).records.get(request.params.record_id);
		if (!record) throw cfError(404, 81044, 'Record does not exist.');
		return record;
	};
	const store = (zone: CloudflareZone, record: CloudflareRecord) => {
		checkConflicts(zone.records.values(), record);
		zone.records.set(record.id, record);
		return record;
	};

	sim.route('GET', '/zones/{zone_id}/dns_records', (request) => {
		for (const key of request.query.keys())
			if (!LIST_KEYS.test(key)) throw cfError(400, 1004, `Unknown filter "${key}".`);
		const records = [...zoneOf(request).records.values()].filter((record) =>
			matches(record, request.query),
		);
		return paginate(records, request, 100, 5_000_000);
	});
	sim.route('POST', '/zones/{zone_id}/dns_records', (request) => {
		const zone = zoneOf(request);
		return ok(store(zone, buildRecord(zone, object(request.body), now())));
	});
	sim.route('GET', '/zones/{zone_id}/dns_records/{record_id}', (request) => ok(recordOf(request)));
	sim.route('PUT', '/zones/{zone_id}/dns_records/{record_id}', (request) => {
		const zone = zoneOf(request);
		const existing = recordOf(request);
		const body = object(request.body);
		const full = buildRecord(zone, { ...body, comment: body.comment ?? null }, now(), {
			...existing,
			proxied: false,
			ttl: 1,
			comment: null,
		});
		return ok(store(zone, full));
	});
	sim.route('PATCH', '/zones/{zone_id}/dns_records/{record_id}', (request) => {
		const zone = zoneOf(request);
		return ok(store(zone, buildRecord(zone, object(request.body), now(), recordOf(request))));
	});
	sim.route('DELETE', '/zones/{zone_id}/dns_records/{record_id}', (request) => {
		const record = recordOf(request);
		zoneOf(request).records.delete(record.id);
		return ok({ id: record.id });
	});

	// Deletes, then patches, puts and posts, all or nothing: a failing change leaves the zone as it was.
	sim.route('POST', '/zones/{zone_id}/dns_records/batch', (request) => {
		const zone = zoneOf(request);
		const body = object(request.body);
		const list = (key: string) => {
			const value = body[key] ?? [];
			if (!Array.isArray(value)) throw cfError(400, 9207, `${key} must be an array.`);
			return value.map(object);
		};
		const working = new Map([...zone.records].map(([id, record]) => [id, { ...record }]));
		const scratch = { ...zone, records: working };
		const find = (item: Record<string, unknown>) => {
			const record = working.get(String(item.id ?? ''));
			if (!record) throw cfError(404, 81044, 'Record does not exist.');
			return record;
		};
		const result = {
			deletes: [] as CloudflareRecord[],
			patches: [] as CloudflareRecord[],
			puts: [] as CloudflareRecord[],
			posts: [] as CloudflareRecord[],
		};
		try {
			for (const item of list('deletes')) {
				const record = find(item);
				working.delete(record.id);
				result.deletes.push(record);
			}
			for (const item of list('patches'))
				result.patches.push(store(scratch, buildRecord(zone, item, now(), find(item))));
			for (const item of list('puts'))
				result.puts.push(
					store(scratch, buildRecord(zone, item, now(), { ...find(item), comment: null })),
				);
			for (const item of list('posts'))
				result.posts.push(store(scratch, buildRecord(zone, item, now())));
		} catch (error) {
			if (error instanceof SimError) throw error;
			throw cfError(400, 1004, (error as Error).message);
		}
		zone.records = working;
		return ok(result);
	});
}
