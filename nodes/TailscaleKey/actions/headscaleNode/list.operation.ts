import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { summarizeHeadscaleNode } from '../../helpers/devices';
import { headscaleList } from '../../transport';
import { show } from '../fields';
import { parseUserName } from '../preAuthKey/shared';

export const description: INodeProperties[] = [
	{
		displayName: 'User',
		name: 'user',
		type: 'string',
		default: '',
		description: "Only this user's nodes (by name, in every version)",
		displayOptions: show('headscale', 'node', ['list']),
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const raw = String(this.getNodeParameter('user', i, '')).trim();
		const qs = raw ? { user: parseUserName('User', raw) } : undefined;
		const nodes = await headscaleList.call(this, '/api/v1/node', 'nodes', qs);
		return nodes.map(summarizeHeadscaleNode);
	});
}
