import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { parseResourceId } from '../../helpers/inputs';
import { vultrRequest } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName: 'SSH Key ID',
		name: 'sshKeyId',
		type: 'string',
		required: true,
		default: '',
		hint: 'The "id" of SSH Key → Ensure or Get Many, e.g. {{ $json.id }}',
		displayOptions: { show: { resource: ['sshKey'], operation: ['delete'] } },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const id = parseResourceId('SSH Key ID', this.getNodeParameter('sshKeyId', i));
		await vultrRequest.call(this, 'DELETE', `/ssh-keys/${id}`);
		return { id, deleted: true };
	});
}
