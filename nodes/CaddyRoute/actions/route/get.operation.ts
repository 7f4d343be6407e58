import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { serverAt } from '../../helpers/parameters';
import { mapItems } from '../../../../lib/execute';
import { parseHostname } from '../../../../lib/validation';
import type { CaddyRoute } from '../../helpers/caddyJson';
import { parseRoute } from '../../helpers/routeConfig';
import { withoutPasswordHash } from '../../helpers/routePassword';
import { routeIdFor } from '../../helpers/routeSpec';
import { readById } from '../../transport';
import { routeKeyFields, routePathAt } from './routeKey';

export const description: INodeProperties[] = routeKeyFields('get');

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const server = serverAt.call(this, i);
		const host = parseHostname('Hostname', this.getNodeParameter('host', i) as string);
		const routeId = routeIdFor(server, host, routePathAt.call(this, i));
		const route = (await readById.call(this, routeId)) as CaddyRoute | undefined;
		const spec = route ? parseRoute(route) : undefined;
		return spec
			? { found: true, server, ...withoutPasswordHash(spec) }
			: { found: false, server, host, routeId };
	});
}
