import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { parseFirewallGroupId } from '../../helpers/inputs';
import { MANAGED_FIREWALL_PREFIX } from '../../helpers/managed';
import { vultrObject, vultrRequest } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName: 'Group ID',
		name: 'groupId',
		type: 'string',
		required: true,
		default: '',
		hint: 'The "groupId" of Firewall → Ensure, e.g. {{ $json.groupId }}',
		displayOptions: { show: { resource: ['firewall'], operation: ['delete'] } },
	},
];

/** Deletes a firewall group the package manages; others are refused. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const id = parseFirewallGroupId('Group ID', this.getNodeParameter('groupId', i));
		const group = await vultrObject.call(this, 'GET', `/firewalls/${id}`, 'firewall_group');
		if (!String(group.description).startsWith(MANAGED_FIREWALL_PREFIX)) {
			throw new NodeOperationError(
				this.getNode(),
				`Firewall group ${id} is not managed by this package`,
				{ itemIndex: i },
			);
		}
		await vultrRequest.call(this, 'DELETE', `/firewalls/${id}`);
		return { id, deleted: true };
	});
}
