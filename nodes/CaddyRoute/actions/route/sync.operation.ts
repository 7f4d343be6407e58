import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { failureJson, toNodeError } from '../../../../lib/execute';
import { InputError } from '../../../../lib/validation';
import { routeInputAt, serverAt, validateRoutes } from '../../helpers/parameters';
import {
	buildRoute,
	diffRoutes,
	managedRoutesOf,
	replaceManagedRoutes,
	type CaddyRoute,
} from '../../helpers/routeConfig';
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

function desiredInputs(this: IExecuteFunctions): RouteInput[] {
	if (this.getNodeParameter('source', 0) === 'items') {
		return this.getInputData().map((_, i) => routeInputAt.call(this, i));
	}
	const raw = this.getNodeParameter('routesJson', 0);
	let list: unknown = raw;
	if (typeof raw === 'string') {
		try {
			list = JSON.parse(raw);
		} catch (error) {
			throw new NodeOperationError(
				this.getNode(),
				`Invalid Routes (JSON): ${(error as Error).message}`,
			);
		}
	}
	if (!Array.isArray(list)) throw new InputError('Routes (JSON)', 'must be a JSON array of routes');
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
		const desired = (await validateRoutes.call(this, desiredInputs.call(this), 0)).map((spec) =>
			buildRoute(spec, server),
		);
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
			summary = { ...diffRoutes(routes, desired), changed: false };
		} else {
			summary = await changeRoutes.call(this, server, (routes): RoutesChange => {
				const diff = diffRoutes(routes as CaddyRoute[], desired);
				const unchanged = !diff.added.length && !diff.updated.length && !diff.removed.length;
				if (unchanged && managedRoutesOf(routes as CaddyRoute[]).length === desired.length)
					return { result: { ...diff } };
				return { next: replaceManagedRoutes(routes as CaddyRoute[], desired), result: { ...diff } };
			});
		}
		return [{ json: { server, dryRun, ...summary }, pairedItem }];
	} catch (error) {
		const nodeError = await toNodeError.call(this, error, 0);
		if (this.continueOnFail()) return [{ json: failureJson(error, nodeError), pairedItem }];
		throw nodeError;
	}
}
