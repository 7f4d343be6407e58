import {
	buildRoute,
	canonicalJson,
	diffRoutes,
	parseRoute,
	replaceManagedRoutes,
} from '../../nodes/CaddyRoute/helpers/routeConfig';
import type { CaddyRoute } from '../../nodes/CaddyRoute/helpers/caddyJson';
import {
	BUCKET_COUNT,
	SHARED_BUCKET,
	firstBucketIndex,
	isBucketId,
	locationOf,
	managedRoutesOf,
	parseBucket,
} from '../../nodes/CaddyRoute/helpers/routeBuckets';
import {
	parseRouteSpec,
	routeIdFor,
	type RouteSpec,
} from '../../nodes/CaddyRoute/helpers/routeSpec';
import { computeEtag } from '../../nodes/CaddyRoute/transport';
import { literalPins } from '../support/pins';

const unmanaged = (id: string, withMatch = true): CaddyRoute => ({
	'@id': id,
	...(withMatch ? { match: [{ host: [`${id}.example.com`] }] } : {}),
	handle: [{ handler: 'static_response' }],
});
const build = (spec: RouteSpec) => {
	const auth = spec.access?.forwardAuth;
	const authPins = auth ? literalPins({ upstreams: [auth.upstream] }) : [];
	return buildRoute(spec, 'ingress', literalPins(spec), authPins);
};
const managed = (host: string, path?: string) =>
	build(parseRouteSpec({ hosts: host, upstreams: '10.0.0.1:80', path }));

describe('route ids', () => {
	it('are deterministic, prefixed, and keep path routes of one host apart', () => {
		expect(routeIdFor('ingress', 'app.example.com')).toBe(
			'homelab-ingress_app.example.com@ingress',
		);
		expect(routeIdFor('ingress', '*.example.com')).toBe('homelab-ingress__.example.com@ingress');
		expect(routeIdFor('tailnet', 'app.example.com')).toBe(
			'homelab-ingress_app.example.com@tailnet',
		);
		const withPath = routeIdFor('ingress', 'app.example.com', '/api/*');
		expect(withPath).toMatch(/^homelab-ingress_app\.example\.com_[0-9a-f]{10}@ingress$/);
		expect(routeIdFor('ingress', 'app.example.com', '/api/*')).toBe(withPath);
		expect(routeIdFor('ingress', 'app.example.com', '/web/*')).not.toBe(withPath);
	});
});

describe('buildRoute / parseRoute', () => {
	it('round-trips every setting through Caddy JSON', () => {
		const spec = parseRouteSpec({
			hosts: 'app.example.com, www.app.example.com',
			upstreams: '100.64.0.5:8443, [fd7a::5]:8443',
			path: '/api/*',
			tlsServerName: 'app.home.arpa',
			tlsCaPem: '-----BEGIN CERTIFICATE-----\nTUlJQg==\n-----END CERTIFICATE-----',
			hsts: false,
			securityHeaders: true,
			healthCheckUri: '/health',
			healthCheckInterval: '10s',
			lbPolicy: 'least_conn',
			offlinePage: true,
			offlineMessage: 'Back soon',
		});
		const route = build(spec);
		const parsed = parseRoute(route);
		expect(parsed).toMatchObject({ ...spec, tlsCaPem: expect.stringContaining('TUlJQg==') });
		expect(build({ ...spec, tlsCaPem: parsed?.tlsCaPem })).toEqual(route);
	});

	it('round-trips access control: IP lists, forward auth with copied headers and bypassed paths', () => {
		const spec = parseRouteSpec({
			hosts: 'sso.example.com',
			upstreams: '100.64.0.5:8080',
			ipAllow: '100.64.0.0/10, 203.0.113.0/24',
			ipDeny: '203.0.113.66',
			forwardAuthUpstream: '100.64.0.9:9000',
			forwardAuthUri: '/outpost.goauthentik.io/auth/caddy',
			forwardAuthCopyHeaders: 'X-Authentik-Username, X-Authentik-Groups',
			authBypassPaths: '/api/*',
			offlinePage: true,
		});
		const route = build(spec);
		expect(parseRoute(route)).toMatchObject(spec);
		const text = JSON.stringify(route);
		// the visitor's own copies of the vouched-for headers are dropped before anything else
		expect(text.indexOf('"delete":["X-Authentik-Username","X-Authentik-Groups"]')).toBeLessThan(
			text.indexOf('"rewrite"'),
		);
		expect(() =>
			parseRouteSpec({ hosts: 'a.example.com', upstreams: '100.64.0.5:80', ipDeny: 'x' }),
		).toThrow(/IP Deny List/);
		expect(() =>
			parseRouteSpec({
				hosts: 'a.example.com',
				upstreams: '100.64.0.5:80',
				authBypassPaths: '/api/*',
			}),
		).toThrow(/Forward Auth Endpoint/);
	});

	it('ignores routes the package does not manage', () => {
		expect(parseRoute(unmanaged('other'))).toBeUndefined();
	});

	it('compares equal regardless of key order, as Caddy returns config with sorted keys', () => {
		const route = managed('a.example.com');
		const reordered = JSON.parse(canonicalJson(route)) as CaddyRoute;
		expect(canonicalJson(reordered)).toBe(canonicalJson(route));
		expect(diffRoutes([reordered], [route]).unchanged).toEqual([route['@id']]);
	});
});

/** The server's routes by id, the run of buckets shown as the ids of the routes they hold, in order. */
function layout(routes: CaddyRoute[]): unknown[] {
	const shown: unknown[] = [];
	for (const route of routes) {
		if (!isBucketId(route['@id'])) shown.push(route['@id']);
		else {
			if (!Array.isArray(shown.at(-1))) shown.push([]);
			(shown.at(-1) as unknown[]).push(...managedRoutesOf([route]).map((m) => m['@id']));
		}
	}
	return shown;
}

describe('replaceManagedRoutes', () => {
	it('keeps unmanaged routes in place and puts the managed block where the managed routes were', () => {
		const routes = [unmanaged('first'), managed('old.example.com'), unmanaged('last')];
		const next = replaceManagedRoutes('ingress', routes, [
			managed('b.example.com'),
			managed('a.example.com'),
		]);
		expect(layout(next)).toEqual([
			'first',
			expect.arrayContaining([
				'homelab-ingress_a.example.com@ingress',
				'homelab-ingress_b.example.com@ingress',
			]),
			'last',
		]);
		expect(managedRoutesOf(next)).toHaveLength(2);
		// and again where the block now stands
		expect(layout(replaceManagedRoutes('ingress', next, [managed('c.example.com')]))).toEqual([
			'first',
			['homelab-ingress_c.example.com@ingress'],
			'last',
		]);
	});

	it('inserts a new block before a catch-all route so it is not shadowed', () => {
		const next = replaceManagedRoutes(
			'ingress',
			[unmanaged('x'), unmanaged('catch-all', false)],
			[managed('a.example.com')],
		);
		expect(layout(next)).toEqual(['x', ['homelab-ingress_a.example.com@ingress'], 'catch-all']);
	});

	it('orders exact hosts before wildcards and path routes before whole-host routes', () => {
		const next = replaceManagedRoutes(
			'ingress',
			[],
			[managed('*.example.com'), managed('app.example.com'), managed('app.example.com', '/api/*')],
		);
		expect(managedRoutesOf(next).map((r) => r['@id'])).toEqual([
			routeIdFor('ingress', 'app.example.com', '/api/*'),
			'homelab-ingress_app.example.com@ingress',
			'homelab-ingress__.example.com@ingress',
		]);
	});
});

describe('diffRoutes', () => {
	it('reports added, updated, removed and unchanged by route id', () => {
		const keep = managed('keep.example.com');
		const change = managed('change.example.com');
		const current = [keep, change, managed('gone.example.com'), unmanaged('manual')];
		const desired = [
			keep,
			build(parseRouteSpec({ hosts: 'change.example.com', upstreams: '10.0.0.2:80' })),
			managed('new.example.com'),
		];
		expect(diffRoutes(current, desired)).toEqual({
			added: ['homelab-ingress_new.example.com@ingress'],
			updated: ['homelab-ingress_change.example.com@ingress'],
			removed: ['homelab-ingress_gone.example.com@ingress'],
			unchanged: ['homelab-ingress_keep.example.com@ingress'],
		});
	});
});

describe('parseRouteSpec', () => {
	it('applies safe defaults', () => {
		expect(parseRouteSpec({ hosts: 'a.example.com', upstreams: '10.0.0.1:80' })).toMatchObject({
			hsts: true,
			securityHeaders: true,
			lbPolicy: 'round_robin',
			upstreamTls: false,
			offlinePage: false,
		});
	});

	it.each([
		[{ path: 'api' }, 'Path'],
		[{ path: '/a/../b' }, 'Path'],
		[{ healthCheckUri: '/h', healthCheckInterval: 'soon' }, 'Health Check Interval'],
		[{ lbPolicy: 'fastest' }, 'Load Balancing Policy'],
		[{ tlsCaPem: 'not a certificate' }, 'TLS CA Certificate'],
		[{ tlsServerName: 'bad name' }, 'TLS Server Name'],
		[{ offlineMessage: 'line\r\nbreak' }, 'Offline Message'],
	])('refuses %j naming %s', (extra, field) => {
		expect(() =>
			parseRouteSpec({ hosts: 'a.example.com', upstreams: '10.0.0.1:80', ...extra }),
		).toThrow(`Invalid ${field}`);
	});

	it('turns upstream TLS on when a server name or CA is given', () => {
		expect(
			parseRouteSpec({ hosts: 'a.example.com', upstreams: '10.0.0.1:443', tlsServerName: 'a.home' })
				.upstreamTls,
		).toBe(true);
	});
});

describe('computeEtag', () => {
	it('is Caddy 2.6\'s "<path> <fnv-1a 32>" of the body bytes', () => {
		// Hash checked against a real Caddy 2.6.2 ETag trailer for this exact body.
		const body = Buffer.from(
			'{"automatic_https":{"disable":true},"listen":["127.0.0.1:28080"],"routes":[]}\n',
		);
		expect(computeEtag('/config/apps/http/servers/ingress', body)).toBe(
			'"/config/apps/http/servers/ingress 87a34356"',
		);
		expect(computeEtag('/config/', Buffer.from(''))).toBe('"/config/ 811c9dc5"');
	});
});

describe('route buckets', () => {
	const two = [
		managed('a.example.com'),
		managed('*.example.com'),
		managed('a.example.com', '/x/*'),
	];

	it('matches the hosts of their routes at the top level, where automatic HTTPS looks', () => {
		const routes = replaceManagedRoutes('ingress', [], two);
		expect(routes).toHaveLength(BUCKET_COUNT);
		const hosts = routes.flatMap((route) => {
			const match = route.match as Array<{ host: string[] }> | undefined;
			return match ? match[0].host : [];
		});
		expect(hosts.sort()).toEqual(['*.example.com', 'a.example.com', 'a.example.com']);
	});

	it('record their own config path, which leads back to them', () => {
		const routes = replaceManagedRoutes('ingress', [unmanaged('first')], two);
		for (const [index, route] of routes.entries()) {
			if (!isBucketId(route['@id'])) continue;
			const { path } = parseBucket(route);
			expect(path).toBe(`/config/apps/http/servers/ingress/routes/${index}`);
		}
		const location = locationOf(two[0]);
		const holder = routes.find((r) => managedRoutesOf([r]).some((m) => m['@id'] === two[0]['@id']));
		// the buckets follow the unmanaged route
		expect(firstBucketIndex(parseBucket(holder).path!, location)).toBe(1);
	});

	it('put a route by its hosts and path: the same place every time', () => {
		expect(locationOf(managed('a.example.com'))).toEqual(locationOf(managed('A.example.com')));
		expect(locationOf(managed('a.example.com', '/x/*')).tier).toBe(0);
		expect(locationOf(managed('a.example.com')).tier).toBe(1);
		expect(locationOf(managed('*.example.com', '/x/*')).tier).toBe(2);
		expect(locationOf(managed('*.example.com')).tier).toBe(3);
		expect(locationOf(managed('a.example.com, b.example.com')).bucket).toBe(SHARED_BUCKET);
	});
});
