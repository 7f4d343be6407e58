import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import {
	ownerIdAt,
	providerAt,
	recordInputAt,
	withZone,
	zoneNameAt,
} from '../../helpers/parameters';
import { describeRRset, hasChanges, planChanges } from '../../helpers/plan';
import { buildRRset } from '../../helpers/records';
import { readMatching } from '../../transport';
import {
	adoptField,
	contentField,
	nameField,
	ownerIdField,
	priorityField,
	proxiedField,
	ttlField,
	typeField,
} from '../common.descriptions';

const showFor = { resource: ['record'], operation: ['upsert'] };

export const description: INodeProperties[] = [
	{ ...nameField, displayOptions: { show: showFor } },
	{ ...typeField, displayOptions: { show: showFor } },
	{ ...contentField, displayOptions: { show: showFor } },
	{ ...ttlField, displayOptions: { show: showFor } },
	{ ...priorityField, displayOptions: { show: { ...showFor, type: ['MX', 'SRV'] } } },
	{
		...proxiedField,
		displayOptions: {
			show: { ...showFor, provider: ['cloudflare'], type: ['A', 'AAAA', 'CNAME'] },
		},
	},
	{ ...ownerIdField, displayOptions: { show: showFor } },
	{ ...adoptField, displayOptions: { show: showFor } },
];

/**
 * Converges one name/type to exactly the requested records. Everything is validated (including the
 * CNAME rules against what the zone holds) before the first write; records another owner holds are
 * refused unless Adopt is on.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const zoneName = zoneNameAt.call(this, i);
		const ownerId = ownerIdAt.call(this, i);
		const provider = await providerAt.call(this, i);
		const desired = buildRRset(
			recordInputAt.call(this, i),
			zoneName,
			provider.capabilities,
			provider.name,
		);
		const adopt = this.getNodeParameter('adopt', i, false) as boolean;

		const zone = await provider.findZone(zoneName);
		const current = await readMatching(provider, zone, { name: desired.name });
		const plan = planChanges(current, [desired], {
			ownerId,
			adopt,
			removeUndesired: false,
			conflictField: 'Type',
		});
		if (plan.skipped.length) {
			const held = plan.skipped[0];
			throw new NodeOperationError(
				this.getNode(),
				`${held.name} ${held.type} already exists and is not managed by owner "${ownerId}"`,
				{
					itemIndex: i,
					description: `Its owner is ${held.owner ? `"${held.owner}"` : 'nobody (created outside this node)'}. Turn on "Adopt Existing Records" to take it over.`,
				},
			);
		}
		if (hasChanges(plan)) await provider.apply(zone, plan.change, ownerId);
		const action = plan.created.length
			? 'created'
			: plan.adopted.length
				? 'adopted'
				: plan.updated.length
					? 'updated'
					: 'unchanged';
		return withZone(provider, zone, {
			action,
			changed: action !== 'unchanged',
			...describeRRset({ ...desired, owner: ownerId }, zone.name, ownerId),
		});
	});
}
