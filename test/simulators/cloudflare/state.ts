import { randomBytes } from 'node:crypto';

export interface CloudflareRecord {
	id: string;
	zone_id: string;
	zone_name: string;
	name: string;
	type: string;
	content: string;
	proxiable: boolean;
	proxied: boolean;
	ttl: number;
	priority?: number;
	settings: Record<string, unknown>;
	meta: Record<string, unknown>;
	comment: string | null;
	tags: string[];
	created_on: string;
	modified_on: string;
}

export interface CloudflareZone {
	id: string;
	name: string;
	status: 'active';
	paused: boolean;
	type: 'full';
	name_servers: string[];
	original_name_servers: string[];
	account: { id: string; name: string };
	created_on: string;
	modified_on: string;
	activated_on: string;
	development_mode: number;
	permissions: string[];
	/** Records by id, in creation order (not part of the API object). */
	records: Map<string, CloudflareRecord>;
}

/** Cloudflare's 32-hex-character ids. */
export const cfId = (): string => randomBytes(16).toString('hex');

export function publicZone(zone: CloudflareZone): Omit<CloudflareZone, 'records'> {
	const copy: Partial<CloudflareZone> = { ...zone };
	delete copy.records;
	return copy as Omit<CloudflareZone, 'records'>;
}
