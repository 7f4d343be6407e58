import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { readConfig } from '../transport';

/** The HTTP servers defined in Caddy, so the user picks one instead of typing its key. */
export async function searchServers(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const { value } = await readConfig.call(this, 'apps/http/servers');
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
