import type { INodeProperties } from 'n8n-workflow';

import { RECORD_TYPES } from '../transport/types';

export const typeOptions = RECORD_TYPES.map((type) => ({ name: type, value: type }));

export const zoneField: INodeProperties = {
	displayName: 'Zone',
	name: 'zone',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The DNS zone (domain) that holds the records',
	hint: 'The zone your DNS provider hosts, e.g. example.com',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchZones', searchable: true },
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'example.com',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^[A-Za-z0-9.-]+\\.?$',
						errorMessage: 'A domain name such as example.com',
					},
				},
			],
		},
	],
};

export const nameField: INodeProperties = {
	displayName: 'Name',
	name: 'name',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'app.example.com',
	description:
		'Record name: fully qualified (app.example.com) or one label relative to the zone (app); @ for the apex. Names outside the zone are refused.',
	hint: 'e.g. app (in the zone), app.example.com, or @ for the zone itself',
};

export const typeField: INodeProperties = {
	displayName: 'Type',
	name: 'type',
	type: 'options',
	default: 'A',
	options: typeOptions,
	description: 'Record type. Cloudflare: SRV is not offered by this node.',
};

export const contentField: INodeProperties = {
	displayName: 'Content',
	name: 'content',
	type: 'string',
	default: '',
	required: true,
	placeholder: '203.0.113.10',
	description:
		'The value: an IPv4 (A) or IPv6 (AAAA) address — several separated by commas make one record set — a target host (CNAME, MX), the text (TXT) or "weight port target" (SRV)',
	hint: 'e.g. the VPS public IP for A; a host name for CNAME or MX',
};

export const ttlField: INodeProperties = {
	displayName: 'TTL',
	name: 'ttl',
	type: 'number',
	default: 300,
	description:
		'Time to live in seconds, 60-86400 (Cloudflare: 1 means automatic; proxied records are always automatic)',
};

export const priorityField: INodeProperties = {
	displayName: 'Priority',
	name: 'priority',
	type: 'number',
	default: 10,
	description: 'Preference of an MX or SRV record (lower wins)',
};

export const proxiedField: INodeProperties = {
	displayName: 'Proxied',
	name: 'proxied',
	type: 'boolean',
	default: false,
	description: 'Whether Cloudflare proxies the traffic (orange cloud); only for A, AAAA and CNAME',
};

export const ownerIdField: INodeProperties = {
	displayName: 'Owner ID',
	name: 'ownerId',
	type: 'string',
	default: 'homelab-ingress',
	required: true,
	description:
		"Marks the records this node writes (Cloudflare comment, PowerDNS comment, Vultr owner TXT record). Records without this owner's mark are never changed or deleted unless Adopt is on. Use a different ID per n8n setup sharing a zone.",
	hint: 'Keep the default unless two n8n setups share this zone',
};

export const adoptField: INodeProperties = {
	displayName: 'Adopt Existing Records',
	name: 'adopt',
	type: 'boolean',
	default: false,
	noDataExpression: true,
	description:
		'Whether records of the same name and type that this owner did not create may be taken over (rewritten and marked). Off: they are left alone and reported. Fixed in the node so request data cannot switch it on.',
	hint: 'Fixed in the node: request data cannot switch it on',
};
