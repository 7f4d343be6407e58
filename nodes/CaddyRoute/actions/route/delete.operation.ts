import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { parseHostname } from '../../../../lib/validation';
import { deleteInBucket, servedByIn, type DeleteOutcome } from '../../helpers/bucketChanges';
import type { CaddyRoute } from '../../helpers/caddyJson';
import { managedRoutesOf } from '../../helpers/routeBuckets';
import { serverAt } from '../../helpers/parameters';
import { replaceManagedRoutes } from '../../helpers/routeConfig';
import { routeIdFor } from '../../helpers/routeSpec';
import { changeRoutes, type RoutesChange } from '../../transport';
import { routeKeyFields, routePathAt } from './routeKey';

export const description: INodeProperties[] = routeKeyFields('delete');

/** The read-modify-write of the server's routes, for when the bucket path does not apply. */
async function deleteFromServer(
	this: IExecuteFunctions,
	server: string,
	host: string,
	routeId: string,
): Promise<DeleteOutcome> {
	const outcome = await changeRoutes.call(this, server, (current): RoutesChange => {
		const routes = current as CaddyRoute[];
		const managed = managedRoutesOf(routes);
		if (!managed.some((r) => r['@id'] === routeId)) {
			return { result: { removed: false, servedBy: servedByIn(routes, host) } };
		}
		const next = replaceManagedRoutes(
			server,
			routes,
			managed.filter((r) => r['@id'] !== routeId),
		);
		return { next, result: { removed: true, servedBy: servedByIn(next, host) } };
	});
	return {
		removed: outcome.removed === true,
		servedBy: typeof outcome.servedBy === 'string' ? outcome.servedBy : undefined,
	};
}

/**
 * Removes the managed route keyed by the host (and path), inside its bucket of the managed block. The
 * answer tells the truth: `removed` says whether a route was removed, `stillServed`/`servedBy`
 * whether the host is still routed afterwards (by another route that lists it or a wildcard over it,
 * or by a route this package did not create, which is left alone).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const server = serverAt.call(this, i);
		const host = parseHostname('Hostname', this.getNodeParameter('host', i));
		const path = routePathAt.call(this, i);
		const routeId = routeIdFor(server, host, path);
		const outcome =
			(await deleteInBucket.call(this, server, host, routeId, path !== undefined)) ??
			(await deleteFromServer.call(this, server, host, routeId));
		const by = outcome.servedBy;
		return {
			host,
			routeId,
			server,
			removed: outcome.removed,
			stillServed: by !== undefined,
			...(by ? { servedBy: by } : {}),
		};
	});
}
