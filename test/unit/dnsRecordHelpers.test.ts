import { qualifyName } from '../../nodes/DnsRecord/helpers/names';
import { ownerRecordName, parseOwnerRecordName } from '../../nodes/DnsRecord/helpers/ownership';
import { planChanges } from '../../nodes/DnsRecord/helpers/plan';
import { buildRRset } from '../../nodes/DnsRecord/helpers/records';
import { quoteTxt, unquoteTxt } from '../../nodes/DnsRecord/transport/powerdns';
import { RECORD_TYPES, type RRset } from '../../nodes/DnsRecord/transport/types';

const caps = { types: RECORD_TYPES, proxied: false };

describe('DNS Record helpers', () => {
	it('qualifies relative and absolute names and refuses names outside the zone', () => {
		expect(qualifyName('Name', 'www', 'example.com', false)).toBe('www.example.com');
		expect(qualifyName('Name', '@', 'example.com', false)).toBe('example.com');
		expect(qualifyName('Name', 'WWW.Example.com.', 'example.com', false)).toBe('www.example.com');
		expect(qualifyName('Name', '*.lab.example.com', 'example.com', false)).toBe(
			'*.lab.example.com',
		);
		expect(() => qualifyName('Name', 'www.example.org', 'example.com', false)).toThrow(
			/outside the zone/,
		);
		expect(() => qualifyName('Name', 'a.b', 'example.com', false)).toThrow(/outside the zone/);
		expect(() => qualifyName('Name', '_acme', 'example.com', false)).toThrow(/not a valid label/);
		expect(qualifyName('Name', '_acme', 'example.com', true)).toBe('_acme.example.com');
	});

	it('canonicalises values so equal records compare equal', () => {
		expect(
			buildRRset({ name: 'v6', type: 'AAAA', content: '2001:DB8:0:0::1' }, 'example.com', caps, 'x')
				.values,
		).toEqual([{ content: '2001:db8::1' }]);
		expect(
			buildRRset(
				{ name: 'a', type: 'A', content: '192.0.2.2, 192.0.2.1 192.0.2.2' },
				'example.com',
				caps,
				'x',
			).values,
		).toHaveLength(2);
		expect(
			buildRRset({ name: 't', type: 'TXT', content: '"quoted"' }, 'example.com', caps, 'x').values,
		).toEqual([{ content: 'quoted' }]);
		expect(() =>
			buildRRset(
				{ name: 'c', type: 'CNAME', content: ['a.example.net', 'b.example.net'] },
				'example.com',
				caps,
				'x',
			),
		).toThrow(/exactly one/);
		expect(() =>
			buildRRset(
				{ name: 's', type: 'SRV', content: '5 70000 x.example.net' },
				'example.com',
				caps,
				'x',
			),
		).toThrow(/port/);
	});

	it('names owner records external-dns style and reads them back', () => {
		for (const [relative, type] of [
			['www', 'A'],
			['', 'AAAA'],
			['*', 'A'],
			['*.lab', 'CNAME'],
		]) {
			expect(parseOwnerRecordName(ownerRecordName(relative, type))).toEqual({ relative, type });
		}
		expect(parseOwnerRecordName('www')).toBeUndefined();
	});

	it('quotes TXT for PowerDNS in 255-byte strings and reads it back', () => {
		const text = `a "b" \\ ${'é'.repeat(200)}`;
		const quoted = quoteTxt(text);
		expect(quoted.match(/" "/g)).toHaveLength(1);
		expect(unquoteTxt(quoted)).toBe(text);
	});

	it("plans only changes to this owner's records", () => {
		const rr = (name: string, content: string, owner?: string): RRset => ({
			name,
			type: 'A',
			ttl: 300,
			values: [{ content }],
			owner,
		});
		const current = [
			rr('a.z', '192.0.2.1', 'me'),
			rr('b.z', '192.0.2.2', 'me'),
			rr('c.z', '192.0.2.3'),
			rr('d.z', '192.0.2.4', 'other'),
		];
		const plan = planChanges(
			current,
			[rr('a.z', '192.0.2.1'), rr('c.z', '192.0.2.9'), rr('e.z', '192.0.2.5')],
			{
				ownerId: 'me',
				adopt: false,
				removeUndesired: true,
				conflictField: 'Records',
			},
		);
		expect(plan.unchanged.map((r) => r.name)).toEqual(['a.z']);
		expect(plan.skipped.map((r) => r.name)).toEqual(['c.z']);
		expect(plan.created.map((r) => r.name)).toEqual(['e.z']);
		expect(plan.deleted.map((r) => r.name)).toEqual(['b.z']);
	});
});
