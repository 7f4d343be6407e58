import type { IDataObject } from 'n8n-workflow';

import {
	CLOUDFLARE_TOKEN,
	createCloudflareSimulator,
	type CloudflareSimulator,
} from '../simulators/cloudflare';
import type { CloudflareZone } from '../simulators/cloudflare/state';
import { dnsContract, dnsNode, type DnsFixture } from './dnsRecordContract';

const ZONE = 'cf.example.com';

describe('DNS Record node against the Cloudflare simulator', () => {
	let sim: CloudflareSimulator;
	let zone: CloudflareZone;
	let counter = 0;

	const fixture: DnsFixture = {
		provider: 'cloudflare',
		zone: ZONE,
		credentials: () => ({ cloudflareDnsApi: { apiToken: CLOUDFLARE_TOKEN, baseUrl: sim.url } }),
		async addUnmanaged(name, type, content) {
			const id = `unmanaged${String(++counter).padStart(23, '0')}`;
			const at = new Date().toISOString();
			sim.zones.get(zone.id)!.records.set(id, {
				id,
				zone_id: zone.id,
				zone_name: ZONE,
				name,
				type,
				content,
				proxiable: type !== 'TXT',
				proxied: false,
				ttl: 1,
				settings: {},
				meta: {},
				comment: null,
				tags: [],
				created_on: at,
				modified_on: at,
			});
		},
		async snapshot() {
			const records = [...sim.zones.get(zone.id)!.records.values()];
			return JSON.stringify(records.sort((a, b) => a.id.localeCompare(b.id)));
		},
		mutations: async () => sim.mutatingRequests().length,
	};
	const node = dnsNode(fixture);
	const records = () => [...sim.zones.get(zone.id)!.records.values()];

	beforeAll(async () => {
		sim = createCloudflareSimulator();
		zone = sim.addZone(ZONE);
		sim.addZone('other.example.org');
		await sim.listen();
	});

	afterAll(async () => {
		await sim?.close();
	});

	afterEach(() => sim.faults.clear());

	describe('provider contract', () => dnsContract(() => fixture));

	it('marks each record with a comment and proxies A records with the automatic TTL', async () => {
		const result = await node('upsert', {
			name: 'proxied',
			type: 'A',
			content: '203.0.113.5',
			proxied: true,
			ttl: 300,
		});
		expect(result.json[0]).toMatchObject({ proxied: true, ttl: 1 });
		const [record] = records().filter((r) => r.name === `proxied.${ZONE}`);
		expect(record).toMatchObject({
			proxied: true,
			ttl: 1,
			comment: 'n8n-homelab-ingress owner=lab-a',
		});
		const again = await node('upsert', {
			name: 'proxied',
			type: 'A',
			content: '203.0.113.5',
			proxied: true,
		});
		expect(again.json[0]).toMatchObject({ action: 'unchanged' });

		const before = sim.mutatingRequests().length;
		const txt = await node('sync', {
			records: JSON.stringify([{ name: 'proxied', type: 'TXT', content: 'x', proxied: true }]),
		});
		expect(txt.error?.message).toMatch(
			/Invalid Records\[0\]\.proxied: TXT records cannot be proxied/,
		);
		const srv = await node('upsert', {
			name: `_sip._tcp.${ZONE}`,
			type: 'SRV',
			content: '5 5060 sip.example.com',
		});
		expect(srv.error?.message).toMatch(
			/Invalid Type: SRV records are not supported for cloudflare/,
		);
		expect(sim.mutatingRequests().length).toBe(before);
	});

	it('uses the batch endpoint for a multi-record change and single calls for one record', async () => {
		const start = sim.log.length;
		await node('upsert', { name: 'single', type: 'A', content: '192.0.2.1' });
		const singleWrites = sim.log.slice(start).filter((e) => e.method !== 'GET');
		expect(
			singleWrites.map((e) => `${e.method} ${e.path.replace(/[0-9a-f]{32}/g, ':id')}`),
		).toEqual(['POST /zones/:id/dns_records']);

		const mark = sim.log.length;
		const desired = Array.from({ length: 30 }, (_, i) => ({
			name: `batch${i}`,
			type: 'A',
			content: `192.0.2.${i + 1}`,
		}));
		const synced = await node('sync', { records: JSON.stringify(desired), ownerId: 'batcher' });
		expect(synced.error).toBeUndefined();
		const writes = sim.log.slice(mark).filter((e) => e.method !== 'GET');
		expect(writes).toHaveLength(1);
		expect(writes[0].path).toMatch(/\/dns_records\/batch$/);
		expect(((writes[0].body as IDataObject).posts as unknown[]).length).toBe(30);
	});

	it('reads every page of a large zone (result_info.total_pages)', async () => {
		for (let i = 0; i < 1_100; i++)
			await fixture.addUnmanaged(`bulk${i}.${ZONE}`, 'TXT', `bulk ${i}`);
		const mark = sim.log.length;
		const listed = await node('list', { filters: { type: 'TXT' } });
		expect(listed.json.filter((r) => String(r.relativeName).startsWith('bulk'))).toHaveLength(
			1_100,
		);
		const pages = sim.log.slice(mark).filter((e) => e.path.endsWith('/dns_records'));
		expect(pages.map((e) => new URLSearchParams(e.query).get('page'))).toEqual(['1', '2']);
	});

	it('rides out a 429 storm with Retry-After and 5xx on reads without failing', async () => {
		sim.faults.add({ action: { kind: 'status', status: 429, retryAfterSeconds: 1 }, times: 3 });
		sim.faults.add({ action: { kind: 'status', status: 502 }, method: 'GET', times: 1 });
		const started = Date.now();
		const result = await node('upsert', { name: 'storm', type: 'A', content: '192.0.2.200' });
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({ action: 'created' });
		const statuses = sim.log.filter((e) => e.status === 429).length;
		expect(statuses).toBeGreaterThanOrEqual(3);
		expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
		expect(records().filter((r) => r.name === `storm.${ZONE}`)).toHaveLength(1);
	}, 30_000);

	it('a 5xx on a create is not blindly repeated, and a re-run converges without a duplicate', async () => {
		sim.faults.add({ action: { kind: 'drop', when: 'after' }, method: 'POST', times: 1 });
		const first = await node('upsert', { name: 'flaky', type: 'A', content: '192.0.2.201' });
		expect(first.error?.message).toMatch(/may or may not have been applied/);
		const second = await node('upsert', { name: 'flaky', type: 'A', content: '192.0.2.201' });
		expect(second.error).toBeUndefined();
		expect(second.json[0]).toMatchObject({ action: 'unchanged' });
		expect(records().filter((r) => r.name === `flaky.${ZONE}`)).toHaveLength(1);
	});

	it('reports Cloudflare errors with their code and HTTP status, without the token', async () => {
		const wrong = await dnsNode({
			...fixture,
			credentials: () => ({ cloudflareDnsApi: { apiToken: 'wrong-token', baseUrl: sim.url } }),
		})('list');
		expect(wrong.error?.message).toMatch(/Cloudflare: Invalid API Token \(code 1000\)/);
		expect(wrong.error?.httpCode).toBe('401');
		const absent = { ...fixture, zone: 'absent.example.com' };
		expect((await dnsNode(absent, 'continueRegularOutput')('list')).json[0]).toMatchObject({
			error: expect.stringMatching(/no zone named absent\.example\.com/),
			details: { errorKind: 'upstream' },
		});
	});
});
