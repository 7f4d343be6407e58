import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { parseResourceId } from '../../helpers/inputs';
import { vultrRequest } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName: 'Snapshot ID',
		name: 'snapshotId',
		type: 'string',
		required: true,
		default: '',
		hint: 'The "id" of Snapshot → Create or Get Many, e.g. {{ $json.id }}',
		displayOptions: { show: { resource: ['snapshot'], operation: ['delete'] } },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const id = parseResourceId('Snapshot ID', this.getNodeParameter('snapshotId', i));
		await vultrRequest.call(this, 'DELETE', `/snapshots/${id}`);
		return { id, deleted: true };
	});
}
