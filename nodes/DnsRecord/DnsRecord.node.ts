import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { withLeadingField } from '../../lib/leadingField';
import { zoneField } from './actions/common.descriptions';
import * as record from './actions/record/Record.resource';
import { router } from './actions/router';
import { listSearch } from './methods';

export class DnsRecord implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DNS Record',
		name: 'dnsRecord',
		icon: { light: 'file:dnsRecord.svg', dark: 'file:dnsRecord.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["provider"]}}',
		description:
			'Manage DNS records at Cloudflare, Vultr DNS or PowerDNS, touching only the records it owns',
		defaults: { name: 'DNS Record' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'cloudflareDnsApi',
				required: true,
				displayOptions: { show: { provider: ['cloudflare'] } },
			},
			{ name: 'powerDnsApi', required: true, displayOptions: { show: { provider: ['powerdns'] } } },
			{ name: 'vultrApi', required: true, displayOptions: { show: { provider: ['vultr'] } } },
		],
		properties: [
			{
				displayName: 'Provider',
				name: 'provider',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Cloudflare', value: 'cloudflare' },
					{ name: 'PowerDNS', value: 'powerdns' },
					{ name: 'Vultr DNS', value: 'vultr' },
				],
				default: 'cloudflare',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Record', value: 'record' }],
				default: 'record',
			},
			...withLeadingField([record.description], {
				...zoneField,
				displayOptions: { show: { resource: ['record'] } },
			}),
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
