/**
 * A stateful Cloudflare API v4 DNS simulator (service-apis.md §5): the envelope, error codes,
 * `page`/`per_page` pagination with `result_info`, the `name` filters, the batch endpoint, and the
 * account rate limit (1,200 requests per 5 minutes; going over blocks every call for the rest of the
 * window with 429 / code 971 and Retry-After). Faults (429/5xx/latency) and the request log come from
 * the shared simulator framework.
 */
import type { Clock } from '../core/clock';
import { Simulator, type SimRequest, type SimResponse } from '../core/server';
import { cfError, cloudflareError, failure, ok, paginate } from './envelope';
import { registerRecords } from './records';
import { cfId, publicZone, type CloudflareZone } from './state';

export const CLOUDFLARE_TOKEN = 'simulator-token-0000000000000000000000';

export interface CloudflareSimulatorOptions {
	token?: string;
	clock?: Clock;
	/** Requests allowed per window (default 1,200 per 300 s, as documented). */
	rateLimit?: number;
	rateWindowMs?: number;
}

export interface CloudflareSimulator extends Simulator {
	zones: Map<string, CloudflareZone>;
	addZone(name: string): CloudflareZone;
	/** Requests answered 429 by the rate limit (not by injected faults). */
	rateLimited: number;
}

export function createCloudflareSimulator(
	options: CloudflareSimulatorOptions = {},
): CloudflareSimulator {
	const token = options.token ?? CLOUDFLARE_TOKEN;
	const limit = options.rateLimit ?? 1_200;
	const windowMs = options.rateWindowMs ?? 300_000;
	const starts: number[] = [];
	let blockedUntil = 0;

	const rateLimit = (now: number): SimResponse | undefined => {
		while (starts.length && starts[0] <= now - windowMs) starts.shift();
		if (now < blockedUntil || starts.length >= limit) {
			if (now >= blockedUntil) blockedUntil = now + windowMs;
			sim.rateLimited++;
			const response = cloudflareError(
				429,
				'Please wait and consider throttling your request speed',
				{ code: 971 },
			);
			response.headers = {
				...response.headers,
				'Retry-After': String(Math.ceil((blockedUntil - now) / 1000)),
			};
			return response;
		}
		starts.push(now);
		return undefined;
	};

	const authorize = (request: SimRequest): SimResponse | undefined => {
		const header = String(request.headers.authorization ?? '');
		if (!/^Bearer [A-Za-z0-9_-]+$/.test(header)) {
			return failure(400, [
				{
					code: 6003,
					message: 'Invalid request headers',
					error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }],
				},
			]);
		}
		if (header !== `Bearer ${token}`)
			return failure(401, [{ code: 1000, message: 'Invalid API Token' }]);
		return rateLimit(sim.clock.now());
	};

	const sim = new Simulator({
		name: 'cloudflare',
		basePath: '/client/v4',
		clock: options.clock,
		errorBody: cloudflareError,
		authorize,
	}) as CloudflareSimulator;
	sim.zones = new Map();
	sim.rateLimited = 0;
	sim.addZone = (name) => {
		const at = new Date(sim.clock.now()).toISOString();
		const zone: CloudflareZone = {
			id: cfId(),
			name,
			status: 'active',
			paused: false,
			type: 'full',
			name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
			original_name_servers: [],
			account: { id: cfId(), name: 'Homelab' },
			created_on: at,
			modified_on: at,
			activated_on: at,
			development_mode: 0,
			permissions: ['#dns_records:edit', '#dns_records:read', '#zone:read'],
			records: new Map(),
		};
		sim.zones.set(zone.id, zone);
		return zone;
	};

	sim.route('GET', '/user/tokens/verify', () =>
		ok({ id: cfId(), status: 'active', message: 'This API Token is valid and active' }),
	);
	sim.route('GET', '/zones', (request) => {
		const name = request.query.get('name');
		const zones = [...sim.zones.values()]
			.filter((zone) => !name || zone.name === name.toLowerCase())
			.map(publicZone);
		return paginate(zones, request, 20, 50);
	});
	const zoneOf = (request: SimRequest) => {
		const zone = sim.zones.get(request.params.zone_id);
		if (!zone)
			throw cfError(
				404,
				7003,
				'Could not route to /zones/' +
					request.params.zone_id +
					', perhaps your object identifier is invalid?',
			);
		return zone;
	};
	sim.route('GET', '/zones/{zone_id}', (request) => ok(publicZone(zoneOf(request))));
	registerRecords(sim, zoneOf);
	return sim;
}
