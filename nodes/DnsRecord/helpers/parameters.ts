import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { getProvider, type DnsProvider, type ZoneRef } from '../transport';
import { normalizeZone } from './names';
import { parseOwnerId } from './ownership';
import type { RecordInput } from './records';

export function zoneNameAt(this: IExecuteFunctions, i: number): string {
	return normalizeZone(String(this.getNodeParameter('zone', i, '', { extractValue: true }) ?? ''));
}

export function ownerIdAt(this: IExecuteFunctions, i: number): string {
	return parseOwnerId(String(this.getNodeParameter('ownerId', i, '')));
}

/** The record described by the node's fields for item i (validated later, against the provider). */
export function recordInputAt(this: IExecuteFunctions, i: number): RecordInput {
	const type = String(this.getNodeParameter('type', i));
	const input: RecordInput = {
		name: String(this.getNodeParameter('name', i, '')),
		type,
		content: String(this.getNodeParameter('content', i, '')),
		ttl: this.getNodeParameter('ttl', i, 300) as number,
	};
	if (type === 'MX' || type === 'SRV')
		input.priority = this.getNodeParameter('priority', i, 10) as number;
	if (this.getNodeParameter('provider', i) === 'cloudflare')
		input.proxied = this.getNodeParameter('proxied', i, false) as boolean;
	return input;
}

/** The provider module for item i (reads the credential only; no request yet). */
export async function providerAt(this: IExecuteFunctions, i: number): Promise<DnsProvider> {
	return await getProvider.call(this, String(this.getNodeParameter('provider', i)));
}

/** The record type filter of Delete/Get ('' = every type). */
export function typeFilterAt(this: IExecuteFunctions, i: number): string | undefined {
	return String(this.getNodeParameter('typeFilter', i, '')) || undefined;
}

export function withZone(provider: DnsProvider, zone: ZoneRef, result: IDataObject): IDataObject {
	return { provider: provider.name, zone: zone.name, ...result };
}
