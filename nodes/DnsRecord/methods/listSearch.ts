import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { getProvider } from '../transport';

/** The zones the credential can see at the chosen provider, so the user picks one instead of typing it. */
export async function searchZones(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const provider = await getProvider.call(
		this,
		String(this.getNodeParameter('provider', 'cloudflare')),
	);
	const zones = await provider.listZones();
	const needle = filter?.trim().toLowerCase();
	return {
		results: zones
			.filter((zone) => !needle || zone.name.includes(needle))
			.sort((a, b) => a.name.localeCompare(b.name))
			.map((zone) => ({ name: zone.name, value: zone.name })),
	};
}
