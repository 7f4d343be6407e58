import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { MANAGED_FIREWALL_PREFIX } from '../../helpers/managed';
import { vultrListAll } from '../../transport';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async () => {
		const groups = await vultrListAll.call(this, '/firewalls', 'firewall_groups');
		return groups.map((group) => ({
			...group,
			managed: String(group.description).startsWith(MANAGED_FIREWALL_PREFIX),
		}));
	});
}
