import type { IDataObject } from 'n8n-workflow';

import { specsAvailable } from '../simulators/core/conformance';
import { missingSpecsMessage } from '../simulators/core/specs';
import { vultrDomains, type VultrDomain } from '../simulators/vultr/dns';
import {
	createVultrSimulator,
	VULTR_API_KEY,
	VULTR_SPEC,
	type VultrSimulator,
} from '../simulators/vultr';
import { inCI } from '../support/servers';
import { dnsContract, dnsNode, type DnsFixture } from './dnsRecordContract';

const ZONE = 'vultr.example.net';
const specPresent = specsAvailable(VULTR_SPEC);

describe('DNS Record node against the Vultr DNS simulator', () => {
	let sim: VultrSimulator;
	let domain: VultrDomain;
	let counter = 0;

	const fixture: DnsFixture = {
		provider: 'vultr',
		zone: ZONE,
		credentials: () => ({ vultrApi: { apiKey: VULTR_API_KEY, baseUrl: sim.url } }),
		async addUnmanaged(name, type, content) {
			const id = `unmanaged-${++counter}`;
			const relative = name === ZONE ? '' : name.slice(0, -ZONE.length - 1);
			domain.records.set(id, {
				id,
				type,
				name: relative,
				data: type === 'TXT' ? `"${content}"` : content,
				priority: 0,
				ttl: 300,
			});
		},
		async snapshot() {
			return JSON.stringify([...domain.records.values()].sort((a, b) => a.id.localeCompare(b.id)));
		},
		mutations: async () => sim.mutatingRequests().length,
	};
	const node = dnsNode(fixture);
	const records = () => [...domain.records.values()];

	beforeAll(async () => {
		// Every exchange is checked against the official OpenAPI description when it is there.
		sim = createVultrSimulator({ conformance: specPresent });
		vultrDomains(sim).set(ZONE, {
			domain: ZONE,
			date_created: '2026-01-01T00:00:00+00:00',
			dns_sec: 'disabled',
			records: new Map(),
		});
		domain = vultrDomains(sim).get(ZONE)!;
		await sim.listen();
	});

	afterAll(async () => {
		await sim?.close();
	});

	afterEach(() => sim.faults.clear());

	describe('provider contract', () => dnsContract(() => fixture));

	it('marks an RRset with an external-dns style owner TXT record and removes it with the RRset', async () => {
		await node('upsert', { name: 'owned', type: 'A', content: '192.0.2.31' });
		const marker = records().find((r) => r.name === '_hli-a.owned');
		expect(marker).toMatchObject({
			type: 'TXT',
			data: '"heritage=n8n-homelab-ingress,n8n-homelab-ingress/owner=lab-a"',
		});
		const listed = await node('list', { filters: { type: 'TXT' } });
		expect(listed.json.map((r) => r.relativeName)).not.toContain('_hli-a.owned');

		await node('delete', { name: 'owned', typeFilter: 'A' });
		expect(records().filter((r) => r.name === 'owned' || r.name === '_hli-a.owned')).toEqual([]);
	});

	it('counts a 404 on a delete repeated after a lost answer as deleted', async () => {
		await node('upsert', { name: 'lost', type: 'A', content: '192.0.2.41' });
		const mark = sim.log.length;
		// Vultr applies the first DELETE but the answer never arrives; the repeat finds nothing.
		sim.faults.add({ action: { kind: 'drop', when: 'after' }, method: 'DELETE', times: 1 });
		const result = await node('delete', { name: 'lost', typeFilter: 'A' });
		expect(result.error).toBeUndefined();
		expect(
			sim.log.slice(mark).filter((e) => e.method === 'DELETE' && e.status === 404),
		).toHaveLength(1);
		expect(records().filter((r) => r.name === 'lost' || r.name === '_hli-a.lost')).toEqual([]);
	});

	it('writes SRV records (priority separate from weight, port and target)', async () => {
		const result = await node('upsert', {
			name: `_sip._tcp.${ZONE}`,
			type: 'SRV',
			content: `5 5060 sip.${ZONE}`,
			priority: 20,
		});
		expect(result.error).toBeUndefined();
		expect(records().find((r) => r.name === '_sip._tcp' && r.type === 'SRV')).toMatchObject({
			data: `5 5060 sip.${ZONE}`,
			priority: 20,
		});
	});

	it('rides out a 429 storm (Retry-After honoured) and stays within 30 requests per second', async () => {
		const mark = sim.log.length;
		sim.faults.add({
			action: { kind: 'status', status: 429, retryAfterSeconds: 1 },
			every: 2,
			times: 4,
		});
		const desired = Array.from({ length: 20 }, (_, i) => ({
			name: `storm${i}`,
			type: 'A',
			content: `192.0.2.${i + 100}`,
		}));
		const result = await node('sync', { records: JSON.stringify(desired), ownerId: 'storm' });
		expect(result.error).toBeUndefined();
		expect((result.json[0].created as unknown[]).length).toBe(20);
		expect(sim.log.slice(mark).filter((e) => e.status === 429)).toHaveLength(4);
		expect(records().filter((r) => /^storm\d+$/.test(r.name))).toHaveLength(20);
		// the limiter paces request starts; arrival times carry a little transport jitter
		const times = sim.log.slice(mark).map((e) => e.at);
		for (let i = 30; i < times.length; i++)
			expect(times[i] - times[i - 30]).toBeGreaterThanOrEqual(900);
	}, 30_000);

	it('every request and response conforms to the Vultr OpenAPI description', () => {
		if (!specPresent) {
			if (inCI) throw new Error(missingSpecsMessage([VULTR_SPEC]));
			console.warn(`[skip] Vultr conformance not checked: ${missingSpecsMessage([VULTR_SPEC])}`);
			return;
		}
		expect(sim.log.length).toBeGreaterThan(50);
		expect(sim.violations).toEqual([]);
	});

	it('reports Vultr errors with the HTTP status', async () => {
		const absent = { ...fixture, zone: 'absent.example.net' };
		// the zone is the workflow's setting, not the caller's input: a webhook answers 502
		expect((await dnsNode(absent, 'continueRegularOutput')('list')).json[0]).toMatchObject({
			error: expect.stringMatching(/no DNS domain absent\.example\.net/),
			details: { errorKind: 'upstream' },
		});
		const wrong = await dnsNode({
			...fixture,
			credentials: () => ({ vultrApi: { apiKey: 'wrong', baseUrl: sim.url } }),
		})('list');
		expect(wrong.error?.httpCode).toBe('401');
		expect((wrong.error as unknown as IDataObject).message).toMatch(/Vultr: Invalid API token/);
	});
});
