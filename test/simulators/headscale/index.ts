/**
 * A stateful Headscale simulator speaking the gRPC-gateway REST API of v0.26–v0.29, with each
 * version's differences: pre-auth keys addressed by user id + key value before v0.28 and by key id
 * from v0.28, `user` optional from v0.28, /api/v1/health only from v0.28, the v0.28 tags model.
 * Errors are gRPC status JSON (`{"code","message","details"}`); a bad API key gets text/plain 401.
 */
import { randomBytes } from 'node:crypto';

import type { Clock } from '../core/clock';
import { ConformanceChecker, specsAvailable } from '../core/conformance';
import { SimError, Simulator, type SimRequest } from '../core/server';

export const HEADSCALE_SPEC = 'headscale-v1.swagger.json';
export const HEADSCALE_API_KEY = 'hskey-api-simulator00-secretsecret';
export type HeadscaleVersion = '0.26' | '0.27' | '0.28' | '0.29';

const GRPC_CODE: Record<number, number> = {
	400: 3,
	404: 5,
	500: 2,
	401: 16,
	403: 7,
	429: 8,
	503: 14,
};

export interface HeadscaleSimulator extends Simulator {
	version: HeadscaleVersion;
	preAuthKeys: Array<Record<string, unknown>>;
	nodes: Array<Record<string, unknown>>;
}

export function createHeadscaleSimulator(
	options: { version?: HeadscaleVersion; clock?: Clock; conformance?: boolean } = {},
): HeadscaleSimulator {
	const version = options.version ?? '0.29';
	const current = version >= '0.28';
	const useSpec = options.conformance ?? specsAvailable(HEADSCALE_SPEC);
	const sim = new Simulator({
		name: `headscale-${version}`,
		basePath: '',
		clock: options.clock,
		// The Swagger file is v0.29's; requests of older versions are checked against it too (it accepts their extra fields).
		conformance: useSpec
			? new ConformanceChecker(HEADSCALE_SPEC, {
					globalStatuses: [401],
					extraQueryParameters: current ? {} : { 'GET /api/v1/preauthkey': ['user'] },
				})
			: undefined,
		errorBody: (status, message) =>
			status === 401
				? { status, text: 'Unauthorized' }
				: { status, body: { code: GRPC_CODE[status] ?? 2, message, details: [] } },
		authorize: (request) =>
			request.headers.authorization === `Bearer ${HEADSCALE_API_KEY}`
				? undefined
				: { status: 401, text: 'Unauthorized' },
	}) as HeadscaleSimulator;
	sim.version = version;
	const stamp = () => new Date(sim.clock.now()).toISOString();
	const users = [
		{
			id: '1',
			name: 'alice',
			createdAt: stamp(),
			displayName: '',
			email: '',
			providerId: '',
			provider: '',
			profilePicUrl: '',
		},
		{
			id: '2',
			name: 'bob',
			createdAt: stamp(),
			displayName: '',
			email: '',
			providerId: '',
			provider: '',
			profilePicUrl: '',
		},
	];
	sim.preAuthKeys = [];
	const tagFields = (tags: string[]) =>
		current ? { tags } : { forcedTags: tags, validTags: tags, invalidTags: [] };
	sim.nodes = [
		{
			id: '1',
			machineKey: 'mkey:1',
			nodeKey: 'nodekey:1',
			discoKey: 'discokey:1',
			ipAddresses: ['100.64.0.1', 'fd7a:115c:a1e0::1'],
			name: 'homeserver',
			givenName: 'homeserver',
			user: users[0],
			lastSeen: stamp(),
			createdAt: stamp(),
			registerMethod: 'REGISTER_METHOD_AUTH_KEY',
			online: true,
			approvedRoutes: [],
			availableRoutes: [],
			subnetRoutes: [],
			...tagFields(['tag:home']),
		},
		{
			id: '2',
			machineKey: 'mkey:2',
			nodeKey: 'nodekey:2',
			discoKey: 'discokey:2',
			ipAddresses: ['100.64.0.2', 'fd7a:115c:a1e0::2'],
			name: 'vps',
			givenName: 'vps',
			user: users[1],
			lastSeen: stamp(),
			createdAt: stamp(),
			registerMethod: 'REGISTER_METHOD_AUTH_KEY',
			online: false,
			approvedRoutes: [],
			availableRoutes: [],
			subnetRoutes: [],
			...tagFields([]),
		},
	];
	const userById = (id: unknown) => {
		const user = users.find((u) => u.id === String(id));
		// Headscale returns the plain Go error, which grpc-gateway maps to Unknown / HTTP 500.
		if (!user) throw new SimError(500, 'record not found');
		return user;
	};
	const body = (req: SimRequest) => (req.body ?? {}) as Record<string, unknown>;

	if (current)
		sim.route('GET', '/api/v1/health', () => ({
			status: 200,
			body: { databaseConnectivity: true },
		}));
	sim.route('GET', '/api/v1/user', (req) => {
		const name = req.query.get('name');
		return { status: 200, body: { users: users.filter((u) => !name || u.name === name) } };
	});
	sim.route('POST', '/api/v1/preauthkey', (req) => {
		const b = body(req);
		if (!current && (b.user === undefined || !/^\d+$/.test(String(b.user))))
			throw new SimError(400, 'invalid user id');
		const user = b.user !== undefined ? userById(b.user) : undefined;
		const tags = (b.aclTags as string[] | undefined) ?? [];
		if (tags.some((t) => !t.startsWith('tag:')))
			throw new SimError(400, `tag must start with "tag:"`);
		if (!user && !tags.length) throw new SimError(400, 'either user or tags are required');
		const key = {
			...(user ? { user } : {}),
			id: String(sim.preAuthKeys.length + 1),
			key: current
				? `hskey-auth-${randomBytes(6).toString('hex')}-${randomBytes(16).toString('hex')}`
				: randomBytes(24).toString('hex'),
			reusable: b.reusable === true,
			ephemeral: b.ephemeral === true,
			used: false,
			// A missing expiration becomes the zero time: the key is born expired (the real gotcha).
			expiration: typeof b.expiration === 'string' ? b.expiration : '0001-01-01T00:00:00Z',
			createdAt: stamp(),
			aclTags: tags,
		};
		sim.preAuthKeys.push(key);
		return { status: 200, body: { preAuthKey: key } };
	});
	sim.route('GET', '/api/v1/preauthkey', (req) => {
		const user = req.query.get('user');
		if (!current && !user) throw new SimError(400, 'user is required');
		if (!current) userById(user);
		const keys = sim.preAuthKeys.filter((k) => current || (k.user as { id: string }).id === user);
		return { status: 200, body: { preAuthKeys: keys } };
	});
	sim.route('POST', '/api/v1/preauthkey/expire', (req) => {
		const b = body(req);
		const key = current
			? sim.preAuthKeys.find((k) => k.id === String(b.id ?? ''))
			: sim.preAuthKeys.find(
					(k) => k.key === b.key && (k.user as { id: string }).id === String(b.user ?? ''),
				);
		if (!key) throw new SimError(500, 'record not found');
		key.expiration = stamp();
		return { status: 200, body: {} };
	});
	sim.route('GET', '/api/v1/node', (req) => {
		const user = req.query.get('user');
		return {
			status: 200,
			body: { nodes: sim.nodes.filter((n) => !user || (n.user as { name: string }).name === user) },
		};
	});
	sim.route('GET', '/api/v1/node/{nodeId}', (req) => {
		const node = sim.nodes.find((n) => n.id === req.params.nodeId);
		if (!node) throw new SimError(404, 'node not found');
		return { status: 200, body: { node } };
	});
	sim.route('DELETE', '/api/v1/node/{nodeId}', (req) => {
		const index = sim.nodes.findIndex((n) => n.id === req.params.nodeId);
		if (index < 0) throw new SimError(404, 'node not found');
		sim.nodes.splice(index, 1);
		return { status: 200, body: {} };
	});
	return sim;
}
