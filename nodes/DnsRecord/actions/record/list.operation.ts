import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { qualifyName } from '../../helpers/names';
import { ownerIdAt, providerAt, withZone, zoneNameAt } from '../../helpers/parameters';
import { describeRRset } from '../../helpers/plan';
import { readMatching } from '../../transport';
import { ownerIdField, typeOptions } from '../common.descriptions';

const showFor = { resource: ['record'], operation: ['list'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Managed Only',
		name: 'managedOnly',
		type: 'boolean',
		default: false,
		description: 'Whether to return only the records marked with the Owner ID',
		displayOptions: { show: showFor },
	},
	{
		...ownerIdField,
		required: false,
		description: 'Sets the "managed" flag of each record',
		displayOptions: { show: showFor },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: showFor },
		options: [
			{
				displayName: 'Content',
				name: 'content',
				type: 'string',
				default: '',
				description: 'Only record sets with a value exactly equal to this',
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'Only this name (relative or fully qualified)',
			},
			{
				displayName: 'Type',
				name: 'type',
				type: 'options',
				default: 'A',
				options: typeOptions,
			},
		],
	},
];

/** One item per record set (name + type) of the zone. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const zoneName = zoneNameAt.call(this, i);
		const ownerId = ownerIdAt.call(this, i);
		const managedOnly = this.getNodeParameter('managedOnly', i, false) as boolean;
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const name = filters.name
			? qualifyName('Filters › Name', String(filters.name), zoneName, true)
			: undefined;
		const provider = await providerAt.call(this, i);
		const zone = await provider.findZone(zoneName);
		const records = await readMatching(provider, zone, {
			name,
			type: filters.type ? String(filters.type) : undefined,
			content: filters.content ? String(filters.content) : undefined,
		});
		return records
			.filter((rrset) => !managedOnly || rrset.owner === ownerId)
			.map((rrset) => withZone(provider, zone, describeRRset(rrset, zone.name, ownerId)));
	});
}
