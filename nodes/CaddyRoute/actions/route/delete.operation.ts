import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { serverAt } from '../../helpers/parameters';
import { mapItems } from '../../../../lib/execute';
import { parseHostname } from '../../../../lib/validation';
import { managedRoutesOf, replaceManagedRoutes, type CaddyRoute } from '../../helpers/routeConfig';
import { routeIdFor } from '../../helpers/routeSpec';
import { changeServer, type ServerChange } from '../../transport';
import { routeKeyFields, routePathAt } from './routeKey';

export const description: INodeProperties[] = routeKeyFields('delete');

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const server = serverAt.call(this, i);
		const host = parseHostname('Hostname', this.getNodeParameter('host', i) as string);
		const routeId = routeIdFor(host, routePathAt.call(this, i));
		const outcome = await changeServer.call(this, server, (current): ServerChange => {
			const routes = (current.routes as CaddyRoute[] | undefined) ?? [];
			const managed = managedRoutesOf(routes);
			if (!managed.some((r) => r['@id'] === routeId)) return { result: { removed: false } };
			return {
				next: { ...current, routes: replaceManagedRoutes(routes, managed.filter((r) => r['@id'] !== routeId)) },
				result: { removed: true },
			};
		});
		return { host, routeId, server, removed: outcome.removed === true };
	});
}
