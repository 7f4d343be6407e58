import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { readConfig } from '../transport';
import { closeAdminTunnel } from '../transport/adminAccess';

/**
 * The HTTP servers defined in Caddy, so the user picks one instead of typing its key (through SSH too,
 * when the node reaches the admin API that way).
 */
export async function searchServers(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	let value: unknown;
	try {
		({ value } = await readConfig.call(this, 'apps/http/servers'));
	} finally {
		await closeAdminTunnel(this);
	}
	const servers = Object.entries((value as Record<string, IDataObject> | null) ?? {});
	return {
		results: servers
			.filter(([name]) => !filter || name.toLowerCase().includes(filter.toLowerCase()))
			.map(([name, server]) => ({
				name: `${name} (${((server.listen as string[] | undefined) ?? []).join(', ') || 'no listener'})`,
				value: name,
			})),
	};
}
