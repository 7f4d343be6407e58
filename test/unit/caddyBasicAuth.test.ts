import bcrypt from 'bcryptjs';

import {
	BCRYPT_COST,
	parseBasicAuth,
	PlainPassword,
	resolvePassword,
} from '../../nodes/CaddyRoute/helpers/basicAuth';
import { buildRoute, parseRoute } from '../../nodes/CaddyRoute/helpers/routeConfig';
import { parseRouteSpec } from '../../nodes/CaddyRoute/helpers/routeSpec';
import { literalPins } from '../support/pins';

const base = { hosts: 'app.example.com', upstreams: '100.64.0.5:8080' };

describe('basic auth options', () => {
	it('accepts every hash bcryptjs writes, at costs 10 to 14 and in all three prefixes', () => {
		for (let i = 0; i < 40; i++) {
			const hash = bcrypt.hashSync(`password-${i}`, bcrypt.genSaltSync(4)).replace('$04$', '$10$');
			for (const prefix of ['$2a$', '$2b$', '$2y$']) {
				const given = hash.replace('$2b$', prefix);
				expect(parseBasicAuth({ basicAuthUser: 'u', basicAuthHash: given })).toEqual({
					user: 'u',
					hash: given,
				});
			}
		}
	});

	it.each([
		['a cost below 10', `$2b$09$${'a'.repeat(21)}O${'a'.repeat(31)}`, /cost 9/],
		['a cost above 14', `$2b$15$${'a'.repeat(21)}O${'a'.repeat(31)}`, /cost 15/],
		['$2x$', `$2x$12$${'a'.repeat(21)}O${'a'.repeat(31)}`, /not a bcrypt hash/],
		['a salt that cannot end so', `$2b$12$${'a'.repeat(22)}${'a'.repeat(31)}`, /not a bcrypt hash/],
		[
			'a hash that cannot end so',
			`$2b$12$${'a'.repeat(21)}O${'a'.repeat(30)}b`,
			/not a bcrypt hash/,
		],
		['a short hash', `$2b$12$${'a'.repeat(21)}O`, /not a bcrypt hash/],
	])('refuses %s', (_case, hash, message) => {
		expect(() => parseBasicAuth({ basicAuthUser: 'u', basicAuthHash: hash })).toThrow(message);
	});

	it('bounds the password in bytes (bcrypt reads 72), never quoting it', () => {
		const max = 'é'.repeat(36);
		expect(parseBasicAuth({ basicAuthUser: 'u', basicAuthPassword: max })?.password).toBeInstanceOf(
			PlainPassword,
		);
		for (const bad of [`${max}x`, 'short', 'tab\there!']) {
			let message = '';
			try {
				parseBasicAuth({ basicAuthUser: 'u', basicAuthPassword: bad });
			} catch (error) {
				message = (error as Error).message;
			}
			expect(message).toMatch(/Basic Auth Password/);
			expect(message).not.toContain(bad);
		}
	});

	it('needs a user with a password or hash, and neither without one', () => {
		expect(parseBasicAuth({})).toBeUndefined();
		expect(() => parseBasicAuth({ basicAuthUser: 'u' })).toThrow(/Basic Auth Password/);
		expect(() => parseBasicAuth({ basicAuthPassword: 'password1' })).toThrow(/Basic Auth User/);
		expect(() =>
			parseBasicAuth({ basicAuthUser: '{env.HOME}', basicAuthPassword: 'pw123456' }),
		).toThrow(/Basic Auth User/);
	});

	it('keeps a plain password out of JSON and text', () => {
		const spec = parseRouteSpec({ ...base, basicAuthUser: 'u', basicAuthPassword: 'Secret-123' });
		expect(JSON.stringify(spec)).not.toContain('Secret-123');
		expect(`${String(spec.access?.basicAuth?.password)}`).toBe('***');
	});

	it('keeps the current hash when the password matches it, and hashes anew otherwise', async () => {
		const current = { user: 'u', hash: await bcrypt.hash('Secret-123', 10) };
		const same = { user: 'u', password: new PlainPassword('Secret-123') };
		expect(await resolvePassword(same, current)).toEqual(current);
		const other = await resolvePassword(
			{ user: 'u', password: new PlainPassword('Other-123') },
			current,
		);
		expect(other.hash).not.toBe(current.hash);
		expect(bcrypt.getRounds(other.hash!)).toBe(BCRYPT_COST);
		expect(await bcrypt.compare('Other-123', other.hash!)).toBe(true);
		// a hand-edited hash of a cost the node refuses is never compared (cost 31 would take days)
		const costly = { user: 'u', hash: `$2b$31$${'a'.repeat(21)}O${'a'.repeat(31)}` };
		const started = Date.now();
		const replaced = await resolvePassword(same, costly);
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(bcrypt.getRounds(replaced.hash!)).toBe(BCRYPT_COST);
		const renamed = await resolvePassword(
			{ user: 'v', password: new PlainPassword('Secret-123') },
			current,
		);
		expect(renamed.hash).not.toBe(current.hash);
	});

	it('round-trips through Caddy JSON, with bypassed paths', () => {
		const hash = bcrypt.hashSync('Secret-123', 10);
		const spec = parseRouteSpec({
			...base,
			basicAuthUser: 'family',
			basicAuthHash: hash,
			authBypassPaths: '/public/*',
			ipDeny: '203.0.113.0/24',
		});
		const route = buildRoute(spec, 'ingress', literalPins(spec));
		expect(parseRoute(route)).toMatchObject(spec);
		expect(() =>
			buildRoute(
				parseRouteSpec({ ...base, basicAuthUser: 'u', basicAuthPassword: 'Secret-123' }),
				'ingress',
				literalPins(spec),
			),
		).toThrow(/not hashed/);
	});
});
