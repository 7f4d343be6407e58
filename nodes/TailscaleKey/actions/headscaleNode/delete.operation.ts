import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { headscaleRequest } from '../../transport';
import { nodeIdAt } from './get.operation';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const id = nodeIdAt.call(this, i);
		await headscaleRequest.call(this, 'DELETE', `/api/v1/node/${id}`);
		return { id, deleted: true };
	});
}
