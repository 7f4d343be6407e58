import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { routeInputAt, serverAt, validateRoutes } from '../../helpers/parameters';
import {
	buildRoute,
	canonicalJson,
	managedRoutesOf,
	replaceManagedRoutes,
	type CaddyRoute,
} from '../../helpers/routeConfig';
import { changeRoutes, readById, replaceById, type RoutesChange } from '../../transport';
import {
	hostsField,
	routeOptionsField,
	safetyFields,
	upstreamsField,
} from '../common.descriptions';

const showFor = { show: { resource: ['route'], operation: ['upsert'] } };

export const description: INodeProperties[] = [
	hostsField,
	upstreamsField,
	routeOptionsField,
	...safetyFields,
].map((field) => ({ ...field, displayOptions: showFor }));

/** Inserts or replaces the route in the managed block (the path for new routes: keeps the block ordered). */
async function insertRoute(
	this: IExecuteFunctions,
	server: string,
	route: CaddyRoute,
): Promise<IDataObject> {
	const routeId = route['@id'];
	return await changeRoutes.call(this, server, (routes): RoutesChange => {
		const managed = managedRoutesOf(routes as CaddyRoute[]);
		const existing = managed.find((r) => r['@id'] === routeId);
		if (existing && canonicalJson(existing) === canonicalJson(route))
			return { result: { action: 'unchanged' } };
		const others = managed.filter((r) => r['@id'] !== routeId);
		return {
			next: replaceManagedRoutes(routes as CaddyRoute[], [...others, route]),
			result: { action: existing ? 'updated' : 'created' },
		};
	});
}

/**
 * An existing route is replaced in place through its @id (one small atomic change, as cheap as a
 * hand-made admin-API call); only a new route takes the read-modify-write of the server's routes.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const server = serverAt.call(this, i);
		const [spec] = await validateRoutes.call(this, [routeInputAt.call(this, i)], i);
		const route = buildRoute(spec, server);
		const routeId = route['@id'] as string;

		let outcome: IDataObject;
		const current = await readById.call(this, routeId);
		if (current && canonicalJson(current) === canonicalJson(route)) {
			outcome = { action: 'unchanged', changed: false };
		} else if (current && (await replaceById.call(this, routeId, route))) {
			outcome = { action: 'updated', changed: true };
		} else {
			outcome = await insertRoute.call(this, server, route);
		}

		const result: IDataObject = {
			host: spec.hosts[0],
			hosts: spec.hosts,
			upstreams: spec.upstreams,
			routeId,
			server,
			...outcome,
		};
		if (spec.path) result.path = spec.path;
		return result;
	});
}
