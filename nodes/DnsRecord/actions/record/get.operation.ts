import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { qualifyName } from '../../helpers/names';
import {
	ownerIdAt,
	providerAt,
	typeFilterAt,
	withZone,
	zoneNameAt,
} from '../../helpers/parameters';
import { describeRRset } from '../../helpers/plan';
import { readMatching } from '../../transport';
import { nameField, ownerIdField } from '../common.descriptions';
import { typeFilterField } from './delete.operation';

const showFor = { resource: ['record'], operation: ['get'] };

export const description: INodeProperties[] = [
	{ ...nameField, displayOptions: { show: showFor } },
	{ ...typeFilterField, displayOptions: { show: showFor } },
	{
		...ownerIdField,
		required: false,
		description: 'Sets the "managed" flag of each record',
		displayOptions: { show: showFor },
	},
];

/** The records at one name (every type, or one), whoever owns them. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const zoneName = zoneNameAt.call(this, i);
		const ownerId = ownerIdAt.call(this, i);
		const name = qualifyName('Name', String(this.getNodeParameter('name', i, '')), zoneName, true);
		const type = typeFilterAt.call(this, i);
		const provider = await providerAt.call(this, i);
		const zone = await provider.findZone(zoneName);
		const records = await readMatching(provider, zone, { name, type });
		return withZone(provider, zone, {
			name,
			type: type ?? 'any',
			found: records.length > 0,
			records: records.map((rrset) => describeRRset(rrset, zone.name, ownerId)),
		});
	});
}
