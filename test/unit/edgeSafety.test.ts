import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import { errorKindOf, HTTP_STATUS_OF_KIND, KindedError, quoted } from '../../lib/errors';
import { canonicalAddress, classifyAddress, parseNetworks, TAILNET_NETWORKS } from '../../lib/net';
import { InputError, parsePublicHostname } from '../../lib/validation';
import { listenOrigins } from '../../nodes/CaddyRoute/helpers/adminOrigins';
import { claimHosts } from '../../nodes/CaddyRoute/helpers/ownership';
import type { CaddyRoute } from '../../nodes/CaddyRoute/helpers/caddyJson';
import { isBucketId } from '../../nodes/CaddyRoute/helpers/routeBuckets';
import {
	hostServes,
	hostsOverlap,
	replaceManagedRoutes,
} from '../../nodes/CaddyRoute/helpers/routeConfig';

const node = { name: 'Caddy Route', type: 'caddyRoute' } as INode;

describe('addresses', () => {
	it.each([
		['::ffff:127.0.0.1', '127.0.0.1'],
		['::ffff:7f00:1', '127.0.0.1'],
		['0:0:0:0:0:ffff:a9fe:a9fe', '169.254.169.254'],
		['fd7a:115c:a1e0::1', 'fd7a:115c:a1e0::1'],
		['100.64.0.1', '100.64.0.1'],
	])('%s dials %s', (address, expected) => {
		expect(canonicalAddress(address)).toBe(expected);
	});

	it.each([
		['::ffff:7f00:1', 'loopback'],
		['0.10.0.1', 'unspecified'],
		['239.1.1.1', 'non-unicast'],
		['ff02::1', 'non-unicast'],
		['255.255.255.255', 'non-unicast'],
		['::ffff:a9fe:a9fe', 'link-local'],
		['100.100.100.100', 'other'],
	])('%s is %s', (address, kind) => {
		expect(classifyAddress(address)).toBe(kind);
	});

	it('checks addresses against a network list, mapped IPv4 included', () => {
		const tailnet = parseNetworks('Allowed', TAILNET_NETWORKS.join(','));
		expect(tailnet.contains('100.64.0.1')).toBe(true);
		expect(tailnet.contains('100.127.255.255')).toBe(true);
		expect(tailnet.contains('100.128.0.0')).toBe(false);
		expect(tailnet.contains('::ffff:100.64.0.1')).toBe(true);
		expect(tailnet.contains('fd7a:115c:a1e0:ab::1')).toBe(true);
		expect(tailnet.contains('fd7a:115c:a1e1::1')).toBe(false);
		expect(parseNetworks('Allowed', '').contains('100.64.0.1')).toBe(false);
		expect(() => parseNetworks('Allowed', '10.0.0.0/33')).toThrow(InputError);
		expect(() => parseNetworks('Allowed', 'any')).toThrow(/not an IP or CIDR/);
	});
});

describe('public host names', () => {
	it.each(['app.example.com', '*.example.com', 'a.b.example.co.uk', 'xn--bcher-kva.example'])(
		'accepts %s',
		(host) => {
			expect(parsePublicHostname('Hostnames', host)).toBe(host);
		},
	);
	it.each([
		'localhost',
		'LOCALHOST.',
		'x.localhost',
		'127.0.0.1',
		'1.2.3.4.',
		'intranet',
		'*.com',
		'a.b.123',
	])('refuses %s', (host) => {
		expect(() => parsePublicHostname('Hostnames', host)).toThrow(InputError);
	});
});

describe('host ownership', () => {
	const hand = (hosts: string[], id?: string): CaddyRoute => ({
		...(id ? { '@id': id } : {}),
		match: [{ host: hosts }],
		handle: [],
	});
	const managed = (host: string): CaddyRoute => ({
		'@id': `homelab-ingress_${host}@ingress`,
		match: [{ host: [host] }],
		handle: [],
	});

	it('overlaps label by label, a * standing for exactly one label', () => {
		expect(hostsOverlap('app.example.com', 'APP.example.com')).toBe(true);
		expect(hostsOverlap('*.example.com', 'app.example.com')).toBe(true);
		expect(hostsOverlap('app.example.com', '*.example.com')).toBe(true);
		expect(hostsOverlap('*.example.com', 'a.b.example.com')).toBe(false);
		expect(hostsOverlap('*.example.com', '*.example.com')).toBe(true);
		expect(hostsOverlap('app.example.com', 'app.example.org')).toBe(false);
	});

	it('tells whether a route host answers for a name: the same name, or a wildcard one label up', () => {
		expect(hostServes('App.Example.com', 'app.example.com')).toBe(true);
		expect(hostServes('*.example.com', 'app.example.com')).toBe(true);
		expect(hostServes('*.example.com', 'a.b.example.com')).toBe(false);
		expect(hostServes('*.example.com', 'example.com')).toBe(false);
		// a wildcard name is served only by the same wildcard, not by a name under it
		expect(hostServes('app.example.com', '*.example.com')).toBe(false);
		expect(hostServes('*.example.com', '*.example.com')).toBe(true);
	});

	it('refuses hosts of unmanaged routes, ignores catch-alls and managed routes, and adopts on request', () => {
		const routes = [
			managed('ours.example.com'),
			hand(['hand.example.com'], 'by-hand'),
			{ handle: [] },
		];
		expect(() => claimHosts(routes, ['ours.example.com', 'free.example.com'], false)).not.toThrow();
		let error: unknown;
		try {
			claimHosts(routes, ['HAND.example.com'], false);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(KindedError);
		expect(errorKindOf(error)).toBe('conflict');
		expect(String((error as Error).message)).toContain('"by-hand"');
		expect(claimHosts(routes, ['hand.example.com'], true)).toEqual([1]);
	});

	it('puts the managed block before adopted routes, leaving the others in place', () => {
		const first = hand(['first.example.com'], 'first');
		const adopted = hand(['hand.example.com'], 'by-hand');
		const last = hand(['last.example.com'], 'last');
		const ours = managed('hand.example.com');
		// the run of buckets that holds the managed routes is shown as one "managed" entry
		const ids = (precede?: number[]) =>
			replaceManagedRoutes('ingress', [first, adopted, last], [ours], precede)
				.map((r) => (isBucketId(r['@id']) ? 'managed' : r['@id']))
				.filter((id, i, all) => id !== 'managed' || all[i - 1] !== 'managed');
		expect(ids()).toEqual(['first', 'by-hand', 'last', 'managed']);
		expect(ids([1])).toEqual(['first', 'managed', 'by-hand', 'last']);
	});
});

describe('admin origins', () => {
	it('lists every loopback spelling for a loopback listener, with the scheme', () => {
		expect(listenOrigins('localhost:2019').sort()).toEqual(
			['http://127.0.0.1:2019', 'http://[::1]:2019', 'http://localhost:2019'].sort(),
		);
		expect(listenOrigins('127.0.0.5:3000')).toContain('http://127.0.0.5:3000');
		expect(listenOrigins('tcp/100.64.0.1:2019')).toEqual(['http://100.64.0.1:2019']);
	});
});

describe('error kinds', () => {
	it('maps every kind to the status a webhook answers with', () => {
		expect(errorKindOf(new InputError('Hostnames', 'bad'))).toBe('input');
		expect(errorKindOf(new InputError('Body', 'big', 'tooLarge'))).toBe('tooLarge');
		expect(errorKindOf(new NodeApiError(node, {} as JsonObject, { httpCode: '401' }))).toBe('auth');
		expect(errorKindOf(new NodeApiError(node, {} as JsonObject, { httpCode: '500' }))).toBe(
			'upstream',
		);
		expect(errorKindOf(new Error('boom'))).toBe('internal');
		expect(HTTP_STATUS_OF_KIND.conflict).toBe(409);
		expect(HTTP_STATUS_OF_KIND.tooLarge).toBe(413);
	});

	it('quotes at most ~100 characters of a value, and InputError messages stay short', () => {
		expect(quoted('x'.repeat(10_000)).length).toBeLessThan(140);
		expect(new InputError('Hostnames', 'y'.repeat(1_000_000)).message.length).toBeLessThan(500);
	});
});
