import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { parseAclTags } from '../../helpers/inputs';
import { tailscaleRequest } from '../../transport';
import { tagsField } from '../fields';
import { deviceIdAt } from './shared';

export const description: INodeProperties[] = [
	tagsField('tailscale', 'device', ['setTags'], 'The complete tag list the device should carry'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const id = deviceIdAt.call(this, i);
		const tags = parseAclTags('Tags', this.getNodeParameter('tags', i, ''));
		await tailscaleRequest.call(this, 'POST', `/device/${id}/tags`, { body: { tags }, safe: true });
		return { id, tags };
	});
}
