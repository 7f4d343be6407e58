import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { routeInputAt, serverAt, validateRoutes } from '../../helpers/parameters';
import { buildRoute, canonicalJson, managedRoutesOf, replaceManagedRoutes, type CaddyRoute } from '../../helpers/routeConfig';
import { changeServer, type ServerChange } from '../../transport';
import { hostsField, routeOptionsField, safetyFields, upstreamsField } from '../common.descriptions';

const showFor = { show: { resource: ['route'], operation: ['upsert'] } };

export const description: INodeProperties[] = [hostsField, upstreamsField, routeOptionsField, ...safetyFields].map(
	(field) => ({ ...field, displayOptions: showFor }),
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const server = serverAt.call(this, i);
		const [spec] = await validateRoutes.call(this, [routeInputAt.call(this, i)], i);
		const route = buildRoute(spec);
		const routeId = route['@id'] as string;

		const outcome = await changeServer.call(this, server, (current): ServerChange => {
			const routes = (current.routes as CaddyRoute[] | undefined) ?? [];
			const managed = managedRoutesOf(routes);
			const existing = managed.find((r) => r['@id'] === routeId);
			if (existing && canonicalJson(existing) === canonicalJson(route)) {
				return { result: { action: 'unchanged' } };
			}
			const others = managed.filter((r) => r['@id'] !== routeId);
			return {
				next: { ...current, routes: replaceManagedRoutes(routes, [...others, route]) },
				result: { action: existing ? 'updated' : 'created' },
			};
		});

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
