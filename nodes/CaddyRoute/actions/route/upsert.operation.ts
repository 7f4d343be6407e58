import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { claimHosts } from '../../helpers/ownership';
import { adoptUnmanagedAt, routeInputAt, serverAt, validateRoutes } from '../../helpers/parameters';
import {
	buildRoute,
	canonicalJson,
	hostsOf,
	managedRoutesOf,
	replaceManagedRoutes,
	routeIdOf,
	type CaddyRoute,
} from '../../helpers/routeConfig';
import { withHashedPassword } from '../../helpers/routePassword';
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

/**
 * Inserts or replaces the route in the managed block (keeps the block ordered), after checking that no
 * route this package did not create serves its hosts.
 */
async function insertRoute(
	this: IExecuteFunctions,
	server: string,
	route: CaddyRoute,
	adopt: boolean,
): Promise<IDataObject> {
	const routeId = route['@id'];
	return await changeRoutes.call(this, server, (routes): RoutesChange => {
		const precede = claimHosts(routes as CaddyRoute[], hostsOf(route), adopt);
		const managed = managedRoutesOf(routes as CaddyRoute[]);
		const existing = managed.find((r) => r['@id'] === routeId);
		if (existing && canonicalJson(existing) === canonicalJson(route) && !precede.length)
			return { result: { action: 'unchanged' } };
		const others = managed.filter((r) => r['@id'] !== routeId);
		return {
			next: replaceManagedRoutes(routes as CaddyRoute[], [...others, route], precede),
			result: { action: existing ? 'updated' : 'created' },
		};
	});
}

function sameHosts(a: CaddyRoute, b: CaddyRoute): boolean {
	return canonicalJson([...hostsOf(a)].sort()) === canonicalJson([...hostsOf(b)].sort());
}

/**
 * An existing route with the same hosts is replaced in place through its @id (one small atomic
 * change, as cheap as a hand-made admin-API call); a new route, or one whose hosts change, takes the
 * read-modify-write of the server's routes, where ownership of the hosts is checked.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const server = serverAt.call(this, i);
		const adopt = adoptUnmanagedAt.call(this);
		const [{ spec, pins, authPins }] = await validateRoutes.call(
			this,
			[routeInputAt.call(this, i)],
			i,
		);
		const routeId = routeIdOf(spec, server);
		const current = (await readById.call(this, routeId)) as CaddyRoute | undefined;
		const route = buildRoute(await withHashedPassword(spec, current), server, pins, authPins);

		let outcome: IDataObject;
		if (current && canonicalJson(current) === canonicalJson(route)) {
			outcome = { action: 'unchanged', changed: false };
		} else if (
			current &&
			sameHosts(current, route) &&
			(await replaceById.call(this, routeId, route))
		) {
			outcome = { action: 'updated', changed: true };
		} else {
			outcome = await insertRoute.call(this, server, route, adopt);
		}

		const result: IDataObject = {
			host: spec.hosts[0],
			hosts: spec.hosts,
			upstreams: spec.upstreams,
			dials: pins.flatMap((pin) => pin.dials),
			routeId,
			server,
			...outcome,
		};
		if (spec.path) result.path = spec.path;
		return result;
	});
}
