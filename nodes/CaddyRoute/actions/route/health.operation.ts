import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { serverAt } from '../../helpers/parameters';
import type { CaddyRoute } from '../../helpers/caddyJson';
import { managedRoutesOf } from '../../helpers/routeBuckets';
import { parseRoute } from '../../helpers/routeConfig';
import { routeHealth } from '../../helpers/upstreamHealth';
import { readServerRoutes, readUpstreamStatus } from '../../transport';

export const description: INodeProperties[] = [];

/**
 * For every managed route of the server, its upstreams with the counts Caddy keeps and whether each
 * passed its last active health check. One item per host a route serves (a route with several hosts
 * answers for each); `healthy` is null for a route without an active health check (Caddy then has no
 * health to report).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const server = serverAt.call(this, i);
		const routes = (await readServerRoutes.call(this, server)) as CaddyRoute[];
		const { counts, gauges } = await readUpstreamStatus.call(this);
		return managedRoutesOf(routes).flatMap((route) => {
			const spec = parseRoute(route);
			if (!spec) return [];
			const health = routeHealth(route, spec, counts, gauges);
			return spec.hosts.map((host) => ({
				server,
				host,
				hosts: spec.hosts,
				...(spec.path ? { path: spec.path } : {}),
				routeId: spec.routeId,
				...health,
			}));
		});
	});
}
