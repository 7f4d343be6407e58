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
import { nameField, ownerIdField, typeOptions } from '../common.descriptions';

const showFor = { resource: ['record'], operation: ['delete'] };

export const typeFilterField: INodeProperties = {
	displayName: 'Type',
	name: 'typeFilter',
	type: 'options',
	default: '',
	options: [{ name: 'Any Type', value: '' }, ...typeOptions],
	description: 'Only records of this type',
};

export const description: INodeProperties[] = [
	{ ...nameField, displayOptions: { show: showFor } },
	{ ...typeFilterField, displayOptions: { show: showFor } },
	{ ...ownerIdField, displayOptions: { show: showFor } },
];

/** Removes this owner's records at the name; records it does not own are kept and reported. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const zoneName = zoneNameAt.call(this, i);
		const ownerId = ownerIdAt.call(this, i);
		const name = qualifyName('Name', String(this.getNodeParameter('name', i, '')), zoneName, true);
		const type = typeFilterAt.call(this, i);
		const provider = await providerAt.call(this, i);

		const zone = await provider.findZone(zoneName);
		const current = await readMatching(provider, zone, { name, type });
		const owned = current.filter((rrset) => rrset.owner === ownerId);
		const kept = current.filter((rrset) => rrset.owner !== ownerId);
		if (owned.length) await provider.apply(zone, { upserts: [], deletes: owned }, ownerId);
		return withZone(provider, zone, {
			name,
			type: type ?? 'any',
			deleted: owned.map((rrset) => describeRRset(rrset, zone.name)),
			kept: kept.map((rrset) => describeRRset(rrset, zone.name)),
			changed: owned.length > 0,
		});
	});
}
