import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../support/engine';
import { describeWithSpecs, expectConformance } from '../simulators/core/jest';
import {
	createHeadscaleSimulator,
	HEADSCALE_API_KEY,
	HEADSCALE_SPEC,
	type HeadscaleVersion,
} from '../simulators/headscale';
import {
	createTailscaleSimulator,
	TAILSCALE_API_TOKEN,
	TAILSCALE_OAUTH,
	TAILSCALE_SPEC,
	type TailscaleSimulator,
} from '../simulators/tailscale';
import { TailscaleKey } from '../../nodes/TailscaleKey/TailscaleKey.node';

describeWithSpecs([TAILSCALE_SPEC], 'Tailscale Key node against the Tailscale simulator', () => {
	let sim: TailscaleSimulator;
	const oauth = () => ({
		tailscaleApi: {
			authType: 'oauth',
			clientId: TAILSCALE_OAUTH.clientId,
			clientSecret: TAILSCALE_OAUTH.clientSecret,
			baseUrl: sim.url,
		},
	});
	const token = () => ({
		tailscaleApi: { authType: 'apiToken', apiToken: TAILSCALE_API_TOKEN, baseUrl: sim.url },
	});
	const tailscale = (parameters: IDataObject, credentials: IDataObject = oauth()) =>
		runNode(
			'tailscaleKey',
			{ backend: 'tailscale', ...parameters },
			{ credentials: credentials as Record<string, IDataObject> },
		);

	beforeAll(async () => {
		sim = createTailscaleSimulator();
		await sim.listen();
	});
	afterAll(async () => await sim.close());
	afterEach(() => expectConformance(sim));

	it('creates a tagged key through a cached OAuth token; the key value is output, declared sensitive, and not readable later', async () => {
		const spy = jest.spyOn(console, 'log');
		const created = await tailscale({
			resource: 'authKey',
			operation: 'create',
			tags: 'tag:server',
			expiry: '2h',
			description: 'ingress vps',
			ephemeral: true,
		});
		expect(created.error).toBeUndefined();
		const out = created.json[0];
		expect(out.key).toMatch(/^tskey-auth-/);
		expect(out).toMatchObject({
			ephemeral: true,
			preauthorized: true,
			tags: ['tag:server'],
			description: 'ingress vps',
		});
		expect(new TailscaleKey().description.sensitiveOutputFields).toContain('key');
		const posted = sim.log.find((r) => r.method === 'POST' && r.path === '/tailnet/-/keys')!
			.body as IDataObject;
		expect(posted).toMatchObject({
			expirySeconds: 7200,
			capabilities: { devices: { create: { tags: ['tag:server'], ephemeral: true } } },
		});

		const again = await tailscale({ resource: 'authKey', operation: 'list' });
		expect(again.json.map((k) => k.id)).toContain(out.id);
		expect(sim.tokensIssued).toBe(1);
		const got = await tailscale({ resource: 'authKey', operation: 'get', id: out.id });
		expect(got.json[0].key).toBeUndefined();
		expect(JSON.stringify(spy.mock.calls)).not.toContain(String(out.key));
		spy.mockRestore();
		await tailscale({ resource: 'authKey', operation: 'delete', id: out.id });
		expect(sim.keys.has(String(out.id))).toBe(false);
	});

	it('refuses an OAuth key without tags before any call; an API token may create one', async () => {
		const before = sim.log.length;
		const refused = await tailscale({
			resource: 'authKey',
			operation: 'create',
			tags: '',
			expiry: '1h',
		});
		expect(refused.error?.message).toMatch(
			/^Invalid Tags: keys created with an OAuth client must carry tags/,
		);
		expect(sim.log.length).toBe(before);
		const untagged = await tailscale(
			{ resource: 'authKey', operation: 'create', tags: '', expiry: '1h' },
			token(),
		);
		expect(untagged.json[0].key).toMatch(/^tskey-auth-/);
	});

	it.each([
		['Tags', { tags: 'server' }],
		['Expiry', { tags: 'tag:server', expiry: '91d' }],
		['Expiry', { tags: 'tag:server', expiry: 'soon' }],
		['Description', { tags: 'tag:server', description: 'semi;colon' }],
	])('bad %s fails naming the field and sends nothing', async (field, override) => {
		const before = sim.mutatingRequests().length;
		const result = await tailscale({
			resource: 'authKey',
			operation: 'create',
			expiry: '1h',
			...override,
		});
		expect(result.error?.message).toContain(`Invalid ${field}:`);
		expect(sim.mutatingRequests().length).toBe(before);
	});

	it('passes Tailscale errors through with status and message', async () => {
		const result = await tailscale({
			resource: 'authKey',
			operation: 'create',
			tags: 'tag:other',
			expiry: '1h',
		});
		expect(result.error?.message).toBe(
			'Tailscale: requested tags [tag:other] are invalid or not permitted',
		);
		expect(result.error?.httpCode).toBe('400');
	});

	it('lists, filters, resolves, authorizes, tags and deletes devices', async () => {
		const all = await tailscale({ resource: 'device', operation: 'list' });
		expect(all.json).toHaveLength(3);
		expect(all.json[0]).toMatchObject({
			id: 'n1SIMCNTRL',
			hostname: 'homeserver',
			ipv4: '100.64.0.1',
			ipv6: 'fd7a:115c:a1e0::1',
			online: true,
		});
		const media = await tailscale({
			resource: 'device',
			operation: 'list',
			filters: { tag: 'tag:media' },
		});
		expect(media.json.map((d) => d.hostname)).toEqual(['media']);
		expect(media.json[0].online).toBe(false);
		const resolved = await tailscale({
			resource: 'device',
			operation: 'resolveAddress',
			hostname: 'homeserver.tail1234.ts.net',
		});
		expect(resolved.json[0]).toMatchObject({ address: '100.64.0.1' });
		const missing = await tailscale({
			resource: 'device',
			operation: 'resolveAddress',
			hostname: 'nothere',
		});
		expect(missing.error?.message).toContain('No device called "nothere"');
		await tailscale({ resource: 'device', operation: 'authorize', id: 'n3SIMCNTRL' });
		expect(sim.devices.get('n3SIMCNTRL')!.authorized).toBe(true);
		await tailscale({
			resource: 'device',
			operation: 'setTags',
			id: 'n3SIMCNTRL',
			tags: 'tag:server',
		});
		expect(
			(await tailscale({ resource: 'device', operation: 'get', id: 'n3SIMCNTRL' })).json[0].tags,
		).toEqual(['tag:server']);
		await tailscale({ resource: 'device', operation: 'delete', id: 'n3SIMCNTRL' });
		expect(sim.devices.has('n3SIMCNTRL')).toBe(false);
	});
});

describe.each(['0.26', '0.27', '0.28', '0.29'] as HeadscaleVersion[])(
	'Tailscale Key node against Headscale %s',
	(version) => {
		describeWithSpecs([HEADSCALE_SPEC], `Headscale ${version}`, () => {
			const sim = createHeadscaleSimulator({ version });
			const headscale = (parameters: IDataObject) =>
				runNode(
					'tailscaleKey',
					{ backend: 'headscale', ...parameters },
					{ credentials: { headscaleApi: { serverUrl: sim.url, apiKey: HEADSCALE_API_KEY } } },
				);

			beforeAll(async () => await sim.listen());
			afterAll(async () => await sim.close());
			afterEach(() => expectConformance(sim));

			it('creates (always with an expiration), lists and expires pre-auth keys for a user given by name', async () => {
				const created = await headscale({
					resource: 'preAuthKey',
					operation: 'create',
					user: 'alice',
					tags: 'tag:server',
					expiry: '1h',
					reusable: true,
				});
				expect(created.error).toBeUndefined();
				expect(created.json[0]).toMatchObject({
					user: 'alice',
					reusable: true,
					aclTags: ['tag:server'],
				});
				expect(String(created.json[0].key).length).toBeGreaterThan(20);
				const posted = sim.log.find((r) => r.method === 'POST' && r.path === '/api/v1/preauthkey')!
					.body as IDataObject;
				expect(posted.user).toBe('1');
				expect(Date.parse(String(posted.expiration)) - Date.now()).toBeGreaterThan(3_500_000);

				const listed = await headscale({
					resource: 'preAuthKey',
					operation: 'list',
					user: 'alice',
				});
				expect(listed.json).toHaveLength(1);
				expect(listed.json[0].key).toBeUndefined();
				const expired = await headscale({
					resource: 'preAuthKey',
					operation: 'expire',
					user: 'alice',
					id: created.json[0].id,
				});
				expect(expired.json[0]).toMatchObject({ expired: true });
				const expireBody = sim.log.filter((r) => r.path === '/api/v1/preauthkey/expire').pop()!
					.body as IDataObject;
				expect(Object.keys(expireBody).sort()).toEqual(
					version >= '0.28' ? ['id'] : ['key', 'user'],
				);
			});

			it(
				version >= '0.28'
					? 'creates a tagged key without a user'
					: 'requires a user before v0.28, before any mutating call',
				async () => {
					const result = await headscale({
						resource: 'preAuthKey',
						operation: 'create',
						tags: 'tag:ci',
						expiry: '30m',
					});
					if (version >= '0.28')
						expect(result.json[0]).toMatchObject({ user: null, aclTags: ['tag:ci'] });
					else {
						expect(result.error?.message).toContain('Invalid User:');
						expect(
							sim.mutatingRequests().filter((r) => r.path === '/api/v1/preauthkey' && !r.query),
						).toHaveLength(1);
					}
				},
			);

			it('lists, gets and deletes nodes with tunnel addresses and tags across the tag models', async () => {
				const nodes = await headscale({ resource: 'node', operation: 'list' });
				expect(nodes.json[0]).toMatchObject({
					id: '1',
					hostname: 'homeserver',
					ipv4: '100.64.0.1',
					online: true,
					user: 'alice',
					tags: ['tag:home'],
				});
				const bobs = await headscale({ resource: 'node', operation: 'list', user: 'bob' });
				expect(bobs.json.map((n) => n.hostname)).toEqual(['vps']);
				expect(
					(await headscale({ resource: 'node', operation: 'get', id: '2' })).json[0],
				).toMatchObject({ id: '2', online: false });
				await headscale({ resource: 'node', operation: 'delete', id: '2' });
				const gone = await headscale({ resource: 'node', operation: 'get', id: '2' });
				expect(gone.error?.message).toBe('Headscale: node not found');
				expect(gone.error?.httpCode).toBe('404');
			});
		});
	},
);
