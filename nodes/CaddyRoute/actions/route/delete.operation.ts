import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { serverAt } from '../../helpers/parameters';
import { mapItems } from '../../../../lib/execute';
import { parseHostname } from '../../../../lib/validation';
import { managedRoutesOf, replaceManagedRoutes, type CaddyRoute } from '../../helpers/routeConfig';
import { routeIdFor } from '../../helpers/routeSpec';
import { changeRoutes, type RoutesChange } from '../../transport';
import { routeKeyFields, routePathAt } from './routeKey';

export const description: INodeProperties[] = routeKeyFields('delete');

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const server = serverAt.call(this, i);
		const host = parseHostname('Hostname', this.getNodeParameter('host', i) as string);
		const routeId = routeIdFor(server, host, routePathAt.call(this, i));
		const outcome = await changeRoutes.call(this, server, (routes): RoutesChange => {
			const managed = managedRoutesOf(routes as CaddyRoute[]);
			if (!managed.some((r) => r['@id'] === routeId)) return { result: { removed: false } };
			return {
				next: replaceManagedRoutes(
					routes as CaddyRoute[],
					managed.filter((r) => r['@id'] !== routeId),
				),
				result: { removed: true },
			};
		});
		return { host, routeId, server, removed: outcome.removed === true };
	});
}
