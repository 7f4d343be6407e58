/**
 * The behaviour every DNS provider must show through the DNS Record node, run in n8n's real engine
 * against a real server (PowerDNS) or a stateful simulator (Cloudflare, Vultr). Each provider's test
 * file supplies a fixture and adds what only that provider has.
 */
import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../support/engine';

export interface DnsFixture {
	provider: 'cloudflare' | 'powerdns' | 'vultr';
	zone: string;
	credentials(): Record<string, IDataObject>;
	/** Writes a record the way a human would (no owner mark). */
	addUnmanaged(name: string, type: string, content: string): Promise<void>;
	/** The whole zone in a canonical text form (provider state, not the node's view). */
	snapshot(): Promise<string>;
	/** Mutating requests the provider has received so far. */
	mutations(): Promise<number>;
}

export function dnsNode(fixture: DnsFixture, onError?: 'continueRegularOutput') {
	return async (operation: string, parameters: IDataObject = {}) =>
		await runNode(
			'dnsRecord',
			{
				provider: fixture.provider,
				resource: 'record',
				operation,
				zone: { __rl: true, mode: 'name', value: fixture.zone },
				ownerId: 'lab-a',
				...parameters,
			},
			{ credentials: fixture.credentials(), onError },
		);
}

/** The bad inputs the issue lists; each must fail naming the field and change nothing. */
export function badInputs(
	zone: string,
): Array<{ what: string; operation: string; parameters: IDataObject; field: RegExp }> {
	return [
		{
			what: 'a name outside the zone',
			operation: 'upsert',
			parameters: { name: 'www.other.org', type: 'A', content: '192.0.2.1' },
			field: /Invalid Name/,
		},
		{
			what: 'an absolute name outside the zone',
			operation: 'upsert',
			parameters: { name: `x.${zone}.evil.net.`, type: 'A', content: '192.0.2.1' },
			field: /Invalid Name/,
		},
		{
			what: 'an invalid label',
			operation: 'upsert',
			parameters: { name: 'bad_label!', type: 'A', content: '192.0.2.1' },
			field: /Invalid Name/,
		},
		{
			what: 'a label with a leading hyphen',
			operation: 'upsert',
			parameters: { name: `-x.${zone}`, type: 'A', content: '192.0.2.1' },
			field: /Invalid Name/,
		},
		{
			what: 'an IPv6 address in an A record',
			operation: 'upsert',
			parameters: { name: 'v6', type: 'A', content: '2001:db8::1' },
			field: /Invalid Content.*AAAA/,
		},
		{
			what: 'a CNAME at the apex',
			operation: 'upsert',
			parameters: { name: '@', type: 'CNAME', content: 'target.example.net' },
			field: /Invalid Name.*apex/,
		},
		{
			what: 'a CNAME next to other records',
			operation: 'upsert',
			parameters: { name: 'taken', type: 'CNAME', content: 'target.example.net' },
			field: /Invalid Type.*CNAME cannot share/,
		},
		{
			what: 'a TTL below the range',
			operation: 'upsert',
			parameters: { name: 'ttl', type: 'A', content: '192.0.2.1', ttl: 30 },
			field: /Invalid TTL/,
		},
		{
			what: 'a TTL above the range',
			operation: 'upsert',
			parameters: { name: 'ttl', type: 'A', content: '192.0.2.1', ttl: 100_000 },
			field: /Invalid TTL/,
		},
		{
			what: 'content with CR/LF',
			operation: 'upsert',
			parameters: { name: 'crlf', type: 'TXT', content: 'v=1\r\ninjected' },
			field: /Invalid Content.*CR, LF/,
		},
		{
			what: 'an A value with LF',
			operation: 'upsert',
			parameters: { name: 'crlf', type: 'A', content: '192.0.2.1\n192.0.2.2' },
			field: /Invalid Content/,
		},
		{
			what: 'a sync entry with a bad name among good ones',
			operation: 'sync',
			parameters: {
				records: JSON.stringify([
					{ name: 'good', type: 'A', content: '192.0.2.1' },
					{ name: 'a.b.other.org', type: 'A', content: '192.0.2.2' },
				]),
			},
			field: /Invalid Records\[1\]\.name/,
		},
		{
			what: 'a sync that puts a CNAME next to an A',
			operation: 'sync',
			parameters: {
				records: JSON.stringify([
					{ name: 'pair', type: 'A', content: '192.0.2.1' },
					{ name: 'pair', type: 'CNAME', content: 'x.example.net' },
				]),
			},
			field: /Invalid Records \(JSON\).*CNAME cannot share/,
		},
	];
}

export function dnsContract(fixture: () => DnsFixture): void {
	const node = () => dnsNode(fixture());
	const zone = () => fixture().zone;

	it('upserts an A record, marks it, converges without writing again, and updates it', async () => {
		const created = await node()('upsert', {
			name: 'www',
			type: 'A',
			content: '192.0.2.10',
			ttl: 300,
		});
		expect(created.error).toBeUndefined();
		expect(created.json[0]).toMatchObject({
			action: 'created',
			changed: true,
			name: `www.${zone()}`,
			contents: ['192.0.2.10'],
			managed: true,
		});

		const before = await fixture().mutations();
		const again = await node()('upsert', {
			name: `www.${zone()}`,
			type: 'A',
			content: '192.0.2.10',
			ttl: 300,
		});
		expect(again.json[0]).toMatchObject({ action: 'unchanged', changed: false });
		expect(await fixture().mutations()).toBe(before);

		const updated = await node()('upsert', {
			name: 'www',
			type: 'A',
			content: '192.0.2.11, 192.0.2.12',
			ttl: 600,
		});
		expect(updated.json[0]).toMatchObject({
			action: 'updated',
			contents: ['192.0.2.11', '192.0.2.12'],
			ttl: 600,
		});
		const got = await node()('get', { name: 'www', typeFilter: 'A' });
		expect(got.json[0]).toMatchObject({ found: true });
		const [record] = got.json[0].records as IDataObject[];
		expect(record).toMatchObject({ type: 'A', ttl: 600, managed: true, owner: 'lab-a' });
		expect((record.contents as string[]).sort()).toEqual(['192.0.2.11', '192.0.2.12']);
	});

	it('writes AAAA, CNAME, TXT and MX records and reads them back', async () => {
		const cases: IDataObject[] = [
			{ name: 'six', type: 'AAAA', content: '2001:DB8:0::10', expected: '2001:db8::10' },
			{
				name: 'alias',
				type: 'CNAME',
				content: 'Target.Example.NET.',
				expected: 'target.example.net',
			},
			{
				name: '_acme-challenge',
				type: 'TXT',
				content: 'token "quoted" ' + 'x'.repeat(300),
				expected: 'token "quoted" ' + 'x'.repeat(300),
			},
			{
				name: '@',
				type: 'MX',
				content: 'mail.example.net',
				priority: 5,
				expected: 'mail.example.net',
			},
		];
		for (const { expected, ...parameters } of cases) {
			const result = await node()('upsert', parameters);
			expect(result.error).toBeUndefined();
			const got = await node()('get', { name: parameters.name, typeFilter: parameters.type });
			expect((got.json[0].records as IDataObject[])[0]).toMatchObject({
				contents: [expected],
				managed: true,
			});
		}
		const mx = await node()('get', { name: '@', typeFilter: 'MX' });
		expect((mx.json[0].records as IDataObject[])[0]).toMatchObject({ priority: 5 });
	});

	it('lists with name, type and content filters and the managed flag', async () => {
		await fixture().addUnmanaged(`hand.${zone()}`, 'A', '198.51.100.7');
		await node()('upsert', { name: 'listed', type: 'A', content: '198.51.100.7' });
		const byContent = await node()('list', { filters: { content: '198.51.100.7' } });
		expect(byContent.json.map((r) => [r.relativeName, r.managed]).sort()).toEqual([
			['hand', false],
			['listed', true],
		]);
		const byName = await node()('list', { filters: { name: 'hand', type: 'A' } });
		expect(byName.json).toHaveLength(1);
		expect(byName.json[0]).toMatchObject({ name: `hand.${zone()}`, managed: false, owner: null });
		const managed = await node()('list', { managedOnly: true, filters: { type: 'A' } });
		expect(managed.json.every((r) => r.managed === true)).toBe(true);
		expect(managed.json.map((r) => r.relativeName)).toContain('listed');
		expect(managed.json.map((r) => r.relativeName)).not.toContain('hand');
	});

	it('never touches an unmanaged record: upsert refuses without adopt, delete keeps it', async () => {
		await fixture().addUnmanaged(`legacy.${zone()}`, 'A', '198.51.100.1');
		await fixture().addUnmanaged(`legacy.${zone()}`, 'TXT', 'hand made');
		const before = await fixture().snapshot();
		const mutations = await fixture().mutations();
		const refused = await node()('upsert', { name: 'legacy', type: 'A', content: '192.0.2.50' });
		expect(refused.error?.message).toMatch(/not managed by owner "lab-a"/);
		expect(refused.error?.description).toMatch(/Adopt/);
		expect(await fixture().snapshot()).toBe(before);
		expect(await fixture().mutations()).toBe(mutations);

		const deleted = await node()('delete', { name: 'legacy', typeFilter: '' });
		expect(deleted.json[0]).toMatchObject({ deleted: [], changed: false });
		expect((deleted.json[0].kept as IDataObject[]).map((r) => r.type).sort()).toEqual(['A', 'TXT']);
		expect(await fixture().snapshot()).toBe(before);

		const adopted = await node()('upsert', {
			name: 'legacy',
			type: 'A',
			content: '192.0.2.50',
			adopt: true,
		});
		expect(adopted.json[0]).toMatchObject({ action: 'adopted', changed: true });
		const got = await node()('get', { name: 'legacy' });
		const byType = Object.fromEntries(
			(got.json[0].records as IDataObject[]).map((r) => [r.type, r]),
		);
		expect(byType.A).toMatchObject({ managed: true, contents: ['192.0.2.50'] });
		expect(byType.TXT).toMatchObject({ managed: false, contents: ['hand made'] });

		const removed = await node()('delete', { name: 'legacy', typeFilter: '' });
		expect((removed.json[0].deleted as IDataObject[]).map((r) => r.type)).toEqual(['A']);
		const after = await node()('get', { name: 'legacy' });
		expect((after.json[0].records as IDataObject[]).map((r) => r.type)).toEqual(['TXT']);
	});

	it('syncs a zone: dry-run diff, apply, identical re-sync makes no change, unmanaged records survive', async () => {
		await fixture().addUnmanaged(`media.${zone()}`, 'TXT', 'owned by a human');
		await node()('upsert', { name: 'stale', type: 'A', content: '192.0.2.99' });
		const desired = [
			{ name: 'app', type: 'A', content: '203.0.113.10' },
			{ name: 'wiki', type: 'A', content: '203.0.113.10' },
			{ name: 'media', type: 'A', content: '198.51.100.20', ttl: 120 },
			{ name: 'docs', type: 'CNAME', content: `app.${zone()}` },
		];
		const other = await fixture().snapshot();
		const mutations = await fixture().mutations();
		const dry = await node()('sync', { records: JSON.stringify(desired), dryRun: true });
		expect(dry.error).toBeUndefined();
		expect(dry.json[0]).toMatchObject({ dryRun: true, changed: false });
		expect((dry.json[0].created as IDataObject[]).map((r) => r.name).sort()).toEqual(
			['app', 'docs', 'media', 'wiki'].map((n) => `${n}.${zone()}`),
		);
		expect((dry.json[0].deleted as IDataObject[]).map((r) => r.name)).toContain(`stale.${zone()}`);
		expect(await fixture().snapshot()).toBe(other);
		expect(await fixture().mutations()).toBe(mutations);

		const applied = await node()('sync', { records: JSON.stringify(desired) });
		expect(applied.json[0]).toMatchObject({ changed: true });
		expect((applied.json[0].deleted as IDataObject[]).map((r) => r.name)).toContain(
			`stale.${zone()}`,
		);
		// everything this owner wrote earlier (www, six, …) is not in the list, so it goes too
		expect((applied.json[0].deleted as IDataObject[]).map((r) => r.name)).toContain(
			`www.${zone()}`,
		);

		const settled = await fixture().snapshot();
		const afterApply = await fixture().mutations();
		const again = await node()('sync', { records: JSON.stringify(desired) });
		expect(again.json[0]).toMatchObject({
			changed: false,
			created: [],
			updated: [],
			deleted: [],
			unchanged: 4,
		});
		expect(await fixture().mutations()).toBe(afterApply);
		expect(await fixture().snapshot()).toBe(settled);

		const media = await node()('get', { name: 'media' });
		const types = Object.fromEntries(
			(media.json[0].records as IDataObject[]).map((r) => [r.type, r]),
		);
		expect(types.TXT).toMatchObject({ managed: false, contents: ['owned by a human'] });
		expect(types.A).toMatchObject({ managed: true, contents: ['198.51.100.20'], ttl: 120 });
		const hand = await node()('get', { name: 'hand', typeFilter: 'A' });
		expect(hand.json[0]).toMatchObject({ found: true });
	});

	it('skips an unmanaged record in a sync unless adopt is on, then marks it', async () => {
		await fixture().addUnmanaged(`shared.${zone()}`, 'A', '198.51.100.30');
		const desired = JSON.stringify([
			{ name: 'app', type: 'A', content: '203.0.113.10' },
			{ name: 'wiki', type: 'A', content: '203.0.113.10' },
			{ name: 'media', type: 'A', content: '198.51.100.20', ttl: 120 },
			{ name: 'docs', type: 'CNAME', content: `app.${zone()}` },
			{ name: 'shared', type: 'A', content: '203.0.113.10' },
		]);
		const skipped = await node()('sync', { records: desired });
		expect(skipped.json[0]).toMatchObject({ changed: false });
		expect((skipped.json[0].skipped as IDataObject[])[0]).toMatchObject({
			name: `shared.${zone()}`,
			owner: null,
		});
		const adopted = await node()('sync', { records: desired, adopt: true });
		expect((adopted.json[0].adopted as IDataObject[]).map((r) => r.name)).toEqual([
			`shared.${zone()}`,
		]);
		const got = await node()('get', { name: 'shared', typeFilter: 'A' });
		expect((got.json[0].records as IDataObject[])[0]).toMatchObject({
			managed: true,
			contents: ['203.0.113.10'],
		});
	});

	it('refuses every bad input before any write, naming the field', async () => {
		await fixture().addUnmanaged(`taken.${zone()}`, 'A', '198.51.100.40');
		const before = await fixture().snapshot();
		const mutations = await fixture().mutations();
		for (const bad of badInputs(zone())) {
			const result = await node()(bad.operation, bad.parameters);
			expect([bad.what, result.error?.message]).toEqual([
				bad.what,
				expect.stringMatching(bad.field),
			]);
		}
		expect(await fixture().mutations()).toBe(mutations);
		expect(await fixture().snapshot()).toBe(before);
	});
}
