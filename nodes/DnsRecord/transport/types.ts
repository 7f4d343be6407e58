/** The provider-neutral model every operation works on; each provider module maps its API onto it. */

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'SRV'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export type ProviderName = 'cloudflare' | 'powerdns' | 'vultr';

export interface RecordValue {
	/** A/AAAA: the address; CNAME/MX: the target host; TXT: the text (unquoted); SRV: "weight port target". */
	content: string;
	/** MX and SRV only. */
	priority?: number;
}

/** All records of one name and type (an RRset), plus what the provider tells about ownership. */
export interface RRset {
	/** Fully qualified, lower case, without the trailing dot. */
	name: string;
	/** One of RECORD_TYPES for what the node writes; what it reads may be anything (NS, SOA, CAA …). */
	type: string;
	ttl: number;
	values: RecordValue[];
	/** Cloudflare only. */
	proxied?: boolean;
	/** The owner id of this package's marker; undefined when the records are not marked. */
	owner?: string;
	/** Provider bookkeeping (record ids, the owner record's id); never compared. */
	ids?: string[];
	markerId?: string;
}

export interface ZoneRef {
	/** What the provider's API addresses the zone by (Cloudflare: its id; others: the name). */
	id: string;
	/** Lower case, without the trailing dot. */
	name: string;
}

export interface RRsetFilter {
	name?: string;
	type?: string;
	content?: string;
}

/** What an operation wants changed in one zone; `current` is what the provider returned for it. */
export interface ZoneChange {
	upserts: Array<{ desired: RRset; current?: RRset }>;
	deletes: RRset[];
}

export interface ProviderCapabilities {
	types: readonly RecordType[];
	proxied: boolean;
	/** A TTL the provider accepts besides 60-86400 (Cloudflare: 1 = automatic). */
	extraTtl?: number;
}

export interface DnsProvider {
	readonly name: ProviderName;
	readonly capabilities: ProviderCapabilities;
	listZones(): Promise<ZoneRef[]>;
	/** The zone by name; a NodeOperationError when the account has no such zone. */
	findZone(name: string): Promise<ZoneRef>;
	readRRsets(zone: ZoneRef, filter?: RRsetFilter): Promise<RRset[]>;
	/** Applies the change, marking every written RRset with `ownerId`. */
	apply(zone: ZoneRef, change: ZoneChange, ownerId: string): Promise<void>;
}
