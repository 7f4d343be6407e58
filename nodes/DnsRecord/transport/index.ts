import { createCloudflareProvider } from './cloudflare';
import type { DnsContext } from './http';
import { createPowerDnsProvider } from './powerdns';
import type { DnsProvider, ProviderName, RRset, RRsetFilter, ZoneRef } from './types';
import { createVultrProvider } from './vultr';

export type { DnsProvider, ProviderName, RRset, ZoneRef } from './types';

const factories: Record<ProviderName, (this: DnsContext) => Promise<DnsProvider>> = {
	cloudflare: createCloudflareProvider,
	powerdns: createPowerDnsProvider,
	vultr: createVultrProvider,
};

/** The ONE way operations reach a DNS service: the provider module behind the neutral interface. */
export async function getProvider(this: DnsContext, name: string): Promise<DnsProvider> {
	const factory = factories[name as ProviderName];
	if (!factory) throw new Error(`Unknown DNS provider "${name}"`);
	return await factory.call(this);
}

/** Exact filters on top of what the provider could narrow server-side. */
export function filterRRsets(rrsets: RRset[], filter: RRsetFilter): RRset[] {
	return rrsets.filter(
		(rrset) =>
			(!filter.name || rrset.name === filter.name) &&
			(!filter.type || rrset.type === filter.type) &&
			(!filter.content || rrset.values.some((v) => v.content === filter.content)),
	);
}

/** RRsets of the zone matching `filter`, exactly. */
export async function readMatching(
	provider: DnsProvider,
	zone: ZoneRef,
	filter: RRsetFilter = {},
): Promise<RRset[]> {
	return filterRRsets(await provider.readRRsets(zone, filter), filter);
}
