import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { upsertInBucket } from '../../helpers/bucketChanges';
import type { CaddyRoute } from '../../helpers/caddyJson';
import { hostsOf, managedRoutesOf } from '../../helpers/routeBuckets';
import { claimHosts } from '../../helpers/ownership';
import { adoptUnmanagedAt, routeInputAt, serverAt, validateRoutes } from '../../helpers/parameters';
import {
	buildRoute,
	canonicalJson,
	replaceManagedRoutes,
	routeIdOf,
} from '../../helpers/routeConfig';
import { needsHashing, withHashedPassword } from '../../helpers/routePassword';
import { changeRoutes, readById, type RoutesChange } from '../../transport';
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
 * Inserts or replaces the route with a read-modify-write of the server's routes (one change, guarded
 * by If-Match), after checking that no route this package did not create serves its hosts. Also
 * moves routes written by earlier versions into the managed block.
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
			next: replaceManagedRoutes(server, routes as CaddyRoute[], [...others, route], precede),
			result: { action: existing ? 'updated' : 'created' },
		};
	});
}

/**
 * A route is created or replaced inside its bucket of the managed block: small reads and one admin
 * request, whatever the number of routes. The read-modify-write of the server's routes is the
 * fallback for the rare cases the bucket path does not cover (see bucketChanges.ts).
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
		// A plain password keeps the hash the route already has when it matches (else a fresh salt
		// would rewrite the route on every run): only then is the current route needed first.
		const current = needsHashing(spec)
			? ((await readById.call(this, routeId)) as CaddyRoute | undefined)
			: undefined;
		const route = buildRoute(await withHashedPassword(spec, current), server, pins, authPins);

		const outcome =
			(await upsertInBucket.call(this, server, route, adopt)) ??
			(await insertRoute.call(this, server, route, adopt));

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
