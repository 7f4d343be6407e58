import { buildRoute, parseRoute } from '../../nodes/CaddyRoute/helpers/routeConfig';
import { parseRouteSpec } from '../../nodes/CaddyRoute/helpers/routeSpec';
import {
	parseHealthGauges,
	parseUpstreamCounts,
	routeHealth,
} from '../../nodes/CaddyRoute/helpers/upstreamHealth';
import { literalPins } from '../support/pins';

const base = { hosts: 'app.example.com', upstreams: '100.64.0.5:8080' };

describe('health check options', () => {
	it.each([
		[{ healthCheckInterval: '500ms' }, /Health Check Interval.*outside/],
		[{ healthCheckInterval: '2h' }, /Health Check Interval.*outside/],
		[{ healthCheckTimeout: '61s' }, /Health Check Timeout.*outside/],
		[{ healthCheckInterval: '10s', healthCheckTimeout: '20s' }, /longer than the interval/],
	])('refuses %j', (extra, message) => {
		expect(() => parseRouteSpec({ ...base, healthCheckUri: '/health', ...extra })).toThrow(message);
	});

	it('writes interval and timeout, the timeout never longer than a short interval', () => {
		const short = parseRouteSpec({ ...base, healthCheckUri: '/h', healthCheckInterval: '2s' });
		expect(short).toMatchObject({ healthCheckInterval: '2s', healthCheckTimeout: '2s' });
		const spec = parseRouteSpec({
			...base,
			healthCheckUri: '/h',
			healthCheckInterval: '1m',
			healthCheckTimeout: '3s',
		});
		const route = buildRoute(spec, 'ingress', literalPins(spec));
		expect(JSON.stringify(route)).toContain('"active":{"uri":"/h","interval":"1m","timeout":"3s"}');
		expect(parseRoute(route)).toMatchObject({
			healthCheckInterval: '1m',
			healthCheckTimeout: '3s',
		});
	});
});

describe('upstream health', () => {
	const metrics = [
		'# HELP caddy_reverse_proxy_upstreams_healthy Health status of reverse proxy upstreams.',
		'# TYPE caddy_reverse_proxy_upstreams_healthy gauge',
		'caddy_reverse_proxy_upstreams_healthy{upstream="100.64.0.5:8080"} 1',
		'caddy_reverse_proxy_upstreams_healthy{upstream="100.64.0.6:8080"} 0',
		'caddy_reverse_proxy_upstreams_healthy{upstream="[fd7a::5]:80"} 1',
		'caddy_http_requests_total{handler="reverse_proxy",server="ingress"} 3',
	].join('\n');

	it('reads the gauges by dial address', () => {
		expect(parseHealthGauges(metrics)).toEqual(
			new Map([
				['100.64.0.5:8080', true],
				['100.64.0.6:8080', false],
				['[fd7a::5]:80', true],
			]),
		);
	});

	it('reads the counts and skips what is not shaped like them', () => {
		expect(
			parseUpstreamCounts([
				{ address: '100.64.0.5:8080', num_requests: 2, fails: 1 },
				{ num_requests: 3 },
				'x',
			]),
		).toEqual(new Map([['100.64.0.5:8080', { numRequests: 2, fails: 1 }]]));
		expect(parseUpstreamCounts({ error: 'x' })).toEqual(new Map());
	});

	it('answers per upstream, and null health for a route without an active check', () => {
		const spec = parseRouteSpec({
			...base,
			upstreams: '100.64.0.5:8080, 100.64.0.6:8080',
			healthCheckUri: '/health',
		});
		const route = buildRoute(spec, 'ingress', literalPins(spec));
		const counts = new Map([['100.64.0.6:8080', { numRequests: 4, fails: 2 }]]);
		const health = routeHealth(route, spec, counts, parseHealthGauges(metrics));
		expect(health).toMatchObject({
			healthy: false,
			serving: true,
			healthyUpstreams: 1,
			upstreams: [
				{
					upstream: '100.64.0.5:8080',
					dial: '100.64.0.5:8080',
					healthy: true,
					numRequests: 0,
					fails: 0,
				},
				{
					upstream: '100.64.0.6:8080',
					dial: '100.64.0.6:8080',
					healthy: false,
					numRequests: 4,
					fails: 2,
				},
			],
		});
		const unchecked = parseRouteSpec(base);
		const plain = routeHealth(
			buildRoute(unchecked, 'ingress', literalPins(unchecked)),
			unchecked,
			counts,
			parseHealthGauges(metrics),
		);
		expect(plain).toMatchObject({ healthy: null, serving: null, healthCheck: null });
		expect(plain.healthSource).toMatch(/^none/);
	});
});
