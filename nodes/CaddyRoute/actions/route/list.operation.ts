import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { serverAt } from '../../helpers/parameters';
import { mapItems } from '../../../../lib/execute';
import type { CaddyRoute } from '../../helpers/caddyJson';
import { managedRoutesOf } from '../../helpers/routeBuckets';
import { parseRoute } from '../../helpers/routeConfig';
import { withoutPasswordHash } from '../../helpers/routePassword';
import { readServerRoutes } from '../../transport';

export const description: INodeProperties[] = [];

/** Lists only the routes this package manages; other routes in the server are not shown. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const server = serverAt.call(this, i);
		const routes = (await readServerRoutes.call(this, server)) as CaddyRoute[];
		return managedRoutesOf(routes).flatMap((route) => {
			const spec = parseRoute(route);
			return spec ? [{ server, ...withoutPasswordHash(spec) }] : [];
		});
	});
}
