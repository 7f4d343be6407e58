/**
 * Vultr DNS (service-apis.md §1 "DNS"): domains and their records, stateful, registered on the Vultr
 * simulator like its other API areas. Record names are stored relative to the domain ("" = apex);
 * an FQDN in a request is accepted and made relative.
 */
import { isIP } from 'node:net';

import { SimError, type Simulator } from '../core/server';
import { jsonBody, newId, paginate, vultrDate, type VultrState } from './state';

export interface VultrDnsRecord {
	id: string;
	type: string;
	name: string;
	data: string;
	priority: number;
	ttl: number;
}

export interface VultrDomain {
	domain: string;
	date_created: string;
	dns_sec: 'enabled' | 'disabled';
	records: Map<string, VultrDnsRecord>;
}

const TYPES = ['A', 'AAAA', 'CNAME', 'NS', 'MX', 'SRV', 'TXT', 'CAA', 'SSHFP'];
const LABELS =
	/^(\*|[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

const domainsBySim = new WeakMap<Simulator, Map<string, VultrDomain>>();

/** The DNS domains of a simulator (for tests and benches that seed or inspect state). */
export function vultrDomains(sim: Simulator): Map<string, VultrDomain> {
	const domains = domainsBySim.get(sim);
	if (!domains) throw new Error('the Vultr DNS module is not registered on this simulator');
	return domains;
}

function relative(domain: string, raw: string): string {
	const name = raw.trim().toLowerCase().replace(/\.$/, '');
	if (name === '@' || name === domain) return '';
	return name.endsWith(`.${domain}`) ? name.slice(0, -domain.length - 1) : name;
}

function checkRecord(record: VultrDnsRecord): void {
	if (!TYPES.includes(record.type)) throw new SimError(400, 'Invalid record type.');
	if (record.name !== '' && !LABELS.test(record.name))
		throw new SimError(400, 'Invalid record name.');
	if (!record.data || /[\r\n\0]/.test(record.data)) throw new SimError(400, 'Invalid record data.');
	if (record.type === 'A' && isIP(record.data) !== 4)
		throw new SimError(400, 'Invalid IPv4 address.');
	if (record.type === 'AAAA' && isIP(record.data) !== 6)
		throw new SimError(400, 'Invalid IPv6 address.');
	if (!Number.isInteger(record.ttl) || record.ttl < 0) throw new SimError(400, 'Invalid TTL.');
}

export function registerDns(sim: Simulator, state: VultrState): void {
	const domains = new Map<string, VultrDomain>();
	domainsBySim.set(sim, domains);
	const publicDomain = ({ records: _records, ...domain }: VultrDomain) => domain;
	const domainOf = (name: string) => {
		const domain = domains.get(name.toLowerCase());
		if (!domain) throw new SimError(404, 'Invalid domain.');
		return domain;
	};

	sim.route('GET', '/domains', (req) => ({
		status: 200,
		body: paginate([...domains.values()].map(publicDomain), req, 'domains'),
	}));
	sim.route('POST', '/domains', (req) => {
		const body = jsonBody(req);
		const name = String(body.domain ?? '').toLowerCase();
		if (!name || !LABELS.test(name)) throw new SimError(400, 'Invalid domain.');
		if (domains.has(name)) throw new SimError(400, 'Domain already exists.');
		const domain: VultrDomain = {
			domain: name,
			date_created: vultrDate(state.clock.now()),
			dns_sec: body.dns_sec === 'enabled' ? 'enabled' : 'disabled',
			records: new Map(),
		};
		domains.set(name, domain);
		if (body.ip) {
			for (const [recordName, type, data] of [
				['', 'A', String(body.ip)],
				['www', 'CNAME', name],
			]) {
				const id = newId();
				domain.records.set(id, { id, type, name: recordName, data, priority: 0, ttl: 300 });
			}
		}
		return { status: 200, body: { domain: publicDomain(domain) } };
	});
	sim.route('GET', '/domains/{dns-domain}', (req) => ({
		status: 200,
		body: { domain: publicDomain(domainOf(req.params['dns-domain'])) },
	}));
	sim.route('DELETE', '/domains/{dns-domain}', (req) => {
		domainOf(req.params['dns-domain']);
		domains.delete(req.params['dns-domain'].toLowerCase());
		return { status: 204 };
	});

	sim.route('GET', '/domains/{dns-domain}/records', (req) => {
		const domain = domainOf(req.params['dns-domain']);
		return { status: 200, body: paginate([...domain.records.values()], req, 'records') };
	});
	sim.route('POST', '/domains/{dns-domain}/records', (req) => {
		const domain = domainOf(req.params['dns-domain']);
		const body = jsonBody(req);
		for (const field of ['name', 'type', 'data'])
			if (typeof body[field] !== 'string') throw new SimError(400, `Missing ${field}.`);
		const record: VultrDnsRecord = {
			id: newId(),
			type: String(body.type).toUpperCase(),
			name: relative(domain.domain, String(body.name)),
			data: String(body.data),
			priority: Number(body.priority ?? 0),
			ttl: Number(body.ttl ?? 300),
		};
		checkRecord(record);
		domain.records.set(record.id, record);
		return { status: 201, body: { record } };
	});
	const recordOf = (domainName: string, id: string) => {
		const record = domainOf(domainName).records.get(id);
		if (!record) throw new SimError(404, 'Invalid record.');
		return record;
	};
	sim.route('GET', '/domains/{dns-domain}/records/{record-id}', (req) => ({
		status: 200,
		body: { record: recordOf(req.params['dns-domain'], req.params['record-id']) },
	}));
	sim.route('PATCH', '/domains/{dns-domain}/records/{record-id}', (req) => {
		const domain = domainOf(req.params['dns-domain']);
		const current = recordOf(domain.domain, req.params['record-id']);
		const body = jsonBody(req);
		const next: VultrDnsRecord = {
			...current,
			...(body.name !== undefined ? { name: relative(domain.domain, String(body.name)) } : {}),
			...(body.data !== undefined ? { data: String(body.data) } : {}),
			...(body.ttl !== undefined ? { ttl: Number(body.ttl) } : {}),
			...(body.priority !== undefined ? { priority: Number(body.priority) } : {}),
		};
		checkRecord(next);
		domain.records.set(next.id, next);
		return { status: 204 };
	});
	sim.route('DELETE', '/domains/{dns-domain}/records/{record-id}', (req) => {
		const domain = domainOf(req.params['dns-domain']);
		recordOf(domain.domain, req.params['record-id']);
		domain.records.delete(req.params['record-id']);
		return { status: 204 };
	});
}
