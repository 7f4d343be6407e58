import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { failureItem, toNodeError } from '../../../../lib/execute';
import { InputError } from '../../../../lib/validation';
import { claimHosts } from '../../helpers/ownership';
import { adoptUnmanagedAt, routeInputAt, serverAt, validateRoutes } from '../../helpers/parameters';
import type { CaddyRoute } from '../../helpers/caddyJson';
import { hostsOf, managedRoutesOf } from '../../helpers/routeBuckets';
import {
	buildRoute,
	canonicalJson,
	diffRoutes,
	replaceManagedRoutes,
	routeIdOf,
} from '../../helpers/routeConfig';
import { needsHashing, withHashedPassword } from '../../helpers/routePassword';
import type { RouteInput } from '../../helpers/routeSpec';
import { changeRoutes, readServerRoutes, type RoutesChange } from '../../transport';
import {
	hostsField,
	routeOptionsField,
	safetyFields,
	upstreamsField,
} from '../common.descriptions';

const showFor = { resource: ['route'], operation: ['sync'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Desired Routes From',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		default: 'items',
		options: [
			{
				name: 'Input Items',
				value: 'items',
				description: 'Each input item is one route, read through the fields below',
			},
			{
				name: 'JSON List',
				value: 'json',
				description:
					'One JSON array of routes ({hosts, upstreams, path?, ...}); an empty array removes every managed route',
			},
		],
		displayOptions: { show: showFor },
	},
	...[hostsField, upstreamsField, routeOptionsField].map((field) => ({
		...field,
		displayOptions: { show: { ...showFor, source: ['items'] } },
	})),
	{
		displayName: 'Routes (JSON)',
		name: 'routesJson',
		type: 'json',
		default: '[]',
		description:
			'The complete list of managed routes. Fields per route: hosts, upstreams, and any Route Options name.',
		hint: '[{"hosts": "app.example.com", "upstreams": "100.64.0.5:8080"}]',
		displayOptions: { show: { ...showFor, source: ['json'] } },
	},
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description: 'Whether to only return what would change, without changing Caddy',
		displayOptions: { show: showFor },
	},
	...safetyFields.map((field) => ({ ...field, displayOptions: { show: showFor } })),
];

/** The most routes one Sync accepts: far more than one VPS serves, few enough to bound one change. */
const MAX_SYNC_ROUTES = 10_000;

function tooMany(field: string, count: number): InputError {
	return new InputError(
		field,
		`lists ${count} routes; at most ${MAX_SYNC_ROUTES} are accepted`,
		'tooLarge',
	);
}

function desiredInputs(this: IExecuteFunctions): RouteInput[] {
	if (this.getNodeParameter('source', 0) === 'items') {
		const items = this.getInputData();
		if (items.length > MAX_SYNC_ROUTES) throw tooMany('Input Items', items.length);
		return items.map((_, i) => routeInputAt.call(this, i));
	}
	const raw = this.getNodeParameter('routesJson', 0);
	let list: unknown = raw;
	if (typeof raw === 'string') {
		try {
			list = JSON.parse(raw);
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- becomes a NodeOperationError naming the field
			throw new InputError('Routes (JSON)', `is not valid JSON (${(error as Error).message})`);
		}
	}
	if (!Array.isArray(list)) throw new InputError('Routes (JSON)', 'must be a JSON array of routes');
	if (list.length > MAX_SYNC_ROUTES) throw tooMany('Routes (JSON)', list.length);
	return list.map((entry, index) => {
		if (!entry || typeof entry !== 'object')
			throw new InputError('Routes (JSON)', `entry ${index} is not an object`);
		return entry as RouteInput;
	});
}

/**
 * Converges the managed routes of one server to the desired list in a single admin-API change.
 * Runs once for all input items; routes this package did not create are never touched.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const pairedItem = this.getInputData().map((_, item) => ({ item }));
	try {
		const server = serverAt.call(this, 0);
		const dryRun = this.getNodeParameter('dryRun', 0) as boolean;
		const adopt = adoptUnmanagedAt.call(this);
		const checked = await validateRoutes.call(this, desiredInputs.call(this), 0);
		// Plain basic-auth passwords are matched against the hashes Caddy has, so a re-sync is no change.
		const current = checked.some(({ spec }) => needsHashing(spec))
			? managedRoutesOf((await readServerRoutes.call(this, server)) as CaddyRoute[])
			: [];
		const desired: CaddyRoute[] = [];
		for (const { spec, pins, authPins } of checked) {
			const existing = current.find((route) => route['@id'] === routeIdOf(spec, server));
			desired.push(buildRoute(await withHashedPassword(spec, existing), server, pins, authPins));
		}
		const desiredHosts = desired.flatMap(hostsOf);
		const ids = new Set<string>();
		for (const route of desired) {
			const id = route['@id'] as string;
			if (ids.has(id))
				throw new InputError(
					'Hostnames',
					`two desired routes share the same host and path (${id})`,
				);
			ids.add(id);
		}

		let summary: IDataObject;
		if (dryRun) {
			const routes = (await readServerRoutes.call(this, server)) as CaddyRoute[];
			claimHosts(routes, desiredHosts, adopt);
			summary = { ...diffRoutes(routes, desired), changed: false };
		} else {
			summary = await changeRoutes.call(this, server, (current): RoutesChange => {
				const routes = current as CaddyRoute[];
				const precede = claimHosts(routes, desiredHosts, adopt);
				const diff = diffRoutes(routes, desired);
				const next = replaceManagedRoutes(server, routes, desired, precede);
				// With no route to change, only a layout change (older routes moving into the buckets) writes.
				const same =
					!diff.added.length &&
					!diff.updated.length &&
					!diff.removed.length &&
					canonicalJson(next) === canonicalJson(routes);
				if (same) return { result: { ...diff } };
				return { next, result: { ...diff } };
			});
		}
		return [{ json: { server, dryRun, ...summary }, pairedItem }];
	} catch (error) {
		const nodeError = await toNodeError.call(this, error, 0);
		if (this.continueOnFail()) return [failureItem(error, nodeError, pairedItem)];
		throw nodeError;
	}
}
