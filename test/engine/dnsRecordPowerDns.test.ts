import { Resolver } from 'node:dns/promises';

import type { IDataObject } from 'n8n-workflow';

import { startPowerDns, type PowerDns } from '../support/powerdns';
import { describeWithServer } from '../support/servers';
import { dnsContract, dnsNode, type DnsFixture } from './dnsRecordContract';

const ZONE = 'pdns.test';

describeWithServer(
	'powerdns',
	'DNS Record node against a real PowerDNS (HTTP API + DNS answers)',
	() => {
		let pdns: PowerDns;
		let resolver: Resolver;

		const zoneState = async () => {
			const { json } = await pdns.api('GET', `/zones/${ZONE}.`);
			return json as { edited_serial: number; rrsets: IDataObject[] };
		};
		const fixture: DnsFixture = {
			provider: 'powerdns',
			zone: ZONE,
			credentials: () => ({ powerDnsApi: { baseUrl: pdns.apiUrl, apiKey: pdns.apiKey } }),
			async addUnmanaged(name, type, content) {
				const value = type === 'TXT' ? `"${content}"` : content;
				// keep what is there: a PATCH REPLACE sets the whole RRset
				const existing = (await zoneState()).rrsets.find(
					(r) => r.name === `${name}.` && r.type === type,
				);
				const records = [
					...((existing?.records as IDataObject[]) ?? []),
					{ content: value, disabled: false },
				];
				const response = await pdns.api('PATCH', `/zones/${ZONE}.`, {
					rrsets: [{ name: `${name}.`, type, ttl: 300, changetype: 'REPLACE', records }],
				});
				if (response.status !== 204) throw new Error(response.text);
			},
			async snapshot() {
				const { rrsets, edited_serial } = await zoneState();
				const sorted = [...rrsets].sort((a, b) =>
					`${a.name} ${a.type}`.localeCompare(`${b.name} ${b.type}`),
				);
				return JSON.stringify({ edited_serial, rrsets: sorted });
			},
			// PowerDNS bumps the zone's edited serial on every accepted PATCH, even one that changes nothing.
			mutations: async () => (await zoneState()).edited_serial,
		};
		const node = dnsNode(fixture);

		beforeAll(async () => {
			pdns = await startPowerDns();
			await pdns.createZone(ZONE);
			resolver = new Resolver({ timeout: 2000, tries: 2 });
			resolver.setServers([pdns.dnsServer]);
		});

		afterAll(async () => {
			await pdns?.stop();
		});

		describe('provider contract', () => dnsContract(() => fixture));

		it('records the node writes are answered by PowerDNS over real DNS queries, and go away when deleted', async () => {
			expect(
				(await node('upsert', { name: 'dns-a', type: 'A', content: '192.0.2.77, 192.0.2.78' }))
					.error,
			).toBeUndefined();
			expect((await resolver.resolve4(`dns-a.${ZONE}`)).sort()).toEqual([
				'192.0.2.77',
				'192.0.2.78',
			]);

			await node('upsert', { name: 'dns-aaaa', type: 'AAAA', content: '2001:db8::77' });
			expect(await resolver.resolve6(`dns-aaaa.${ZONE}`)).toEqual(['2001:db8::77']);

			await node('upsert', { name: 'dns-cname', type: 'CNAME', content: `dns-a.${ZONE}` });
			expect(await resolver.resolveCname(`dns-cname.${ZONE}`)).toEqual([`dns-a.${ZONE}`]);

			const long = `v=1 "quoted" ${'y'.repeat(400)}`;
			await node('upsert', { name: '_txt', type: 'TXT', content: long });
			expect((await resolver.resolveTxt(`_txt.${ZONE}`)).map((chunks) => chunks.join(''))).toEqual([
				long,
			]);

			await node('upsert', { name: 'dns-mx', type: 'MX', content: `mail.${ZONE}`, priority: 7 });
			expect(await resolver.resolveMx(`dns-mx.${ZONE}`)).toMatchObject([
				{ exchange: `mail.${ZONE}`, priority: 7 },
			]);

			const srv = await node('upsert', {
				name: `_sip._tcp.${ZONE}`,
				type: 'SRV',
				content: `5 5060 sip.${ZONE}`,
				priority: 10,
			});
			expect(srv.error).toBeUndefined();
			expect(await resolver.resolveSrv(`_sip._tcp.${ZONE}`)).toMatchObject([
				{ name: `sip.${ZONE}`, port: 5060, priority: 10, weight: 5 },
			]);

			await node('delete', { name: 'dns-a', typeFilter: 'A' });
			await expect(resolver.resolve4(`dns-a.${ZONE}`)).rejects.toMatchObject({
				code: expect.stringMatching(/ENOTFOUND|ENODATA/),
			});
		});

		it('marks what it writes with an rrset comment, visible in the PowerDNS API', async () => {
			await node('upsert', { name: 'marked', type: 'A', content: '192.0.2.5' });
			const { json } = await pdns.api(
				'GET',
				`/zones/${ZONE}.?rrset_name=marked.${ZONE}.&rrset_type=A`,
			);
			const [rrset] = (json as { rrsets: IDataObject[] }).rrsets;
			expect(rrset.comments).toEqual([
				expect.objectContaining({
					content: 'n8n-homelab-ingress owner=lab-a',
					account: 'n8n-homelab-ingress',
				}),
			]);
		});

		it('Verify asks the DNS port until the answer matches, and reports what it saw on a timeout', async () => {
			await node('upsert', { name: 'verify', type: 'A', content: '192.0.2.61' });
			const ok = await node('verify', {
				name: 'verify',
				type: 'A',
				expect: 'values',
				content: '192.0.2.61',
				dnsServer: pdns.dnsServer,
				timeout: 10,
			});
			expect(ok.error).toBeUndefined();
			expect(ok.json[0]).toMatchObject({
				matched: true,
				seen: ['192.0.2.61'],
				server: pdns.dnsServer,
			});

			const started = Date.now();
			const wrong = await node('verify', {
				name: 'verify',
				type: 'A',
				expect: 'values',
				content: '192.0.2.62',
				dnsServer: pdns.dnsServer,
				timeout: 3,
			});
			expect(wrong.error?.message).toMatch(/did not answer as expected/);
			expect(wrong.error?.description).toMatch(/192\.0\.2\.61/);
			expect(Date.now() - started).toBeLessThan(8_000);

			const soft = await node('verify', {
				name: 'verify',
				type: 'A',
				expect: 'values',
				content: '192.0.2.62',
				dnsServer: pdns.dnsServer,
				timeout: 1,
				errorOnTimeout: false,
			});
			expect(soft.json[0]).toMatchObject({ matched: false, seen: ['192.0.2.61'] });

			await node('delete', { name: 'verify', typeFilter: 'A' });
			const gone = await node('verify', {
				name: 'verify',
				type: 'A',
				expect: 'absent',
				dnsServer: pdns.dnsServer,
				timeout: 10,
			});
			expect(gone.json[0]).toMatchObject({ matched: true, seen: [] });
		});

		it('a sync is answered over DNS: published names point at the VPS, the exception points home', async () => {
			const records = [
				{ name: 'photos', type: 'A', content: '203.0.113.10' },
				{ name: 'jelly', type: 'A', content: '198.51.100.99' },
			];
			const synced = await node('sync', { records: JSON.stringify(records) });
			expect(synced.error).toBeUndefined();
			expect(await resolver.resolve4(`photos.${ZONE}`)).toEqual(['203.0.113.10']);
			expect(await resolver.resolve4(`jelly.${ZONE}`)).toEqual(['198.51.100.99']);
		});

		it('a wrong API key fails with the 401 of PowerDNS and never shows the key', async () => {
			const wrongKey = await dnsNode({
				...fixture,
				credentials: () => ({ powerDnsApi: { baseUrl: pdns.apiUrl, apiKey: 'wrong' } }),
			})('list');
			expect(wrongKey.error?.message).toMatch(/PowerDNS: Unauthorized/);
			expect(wrongKey.error?.httpCode).toBe('401');
			expect(JSON.stringify(wrongKey.error)).not.toContain(pdns.apiKey);
		});
	},
);
