import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { summarizeHeadscaleNode } from '../../helpers/devices';
import { parseId } from '../../helpers/inputs';
import { headscaleRequest } from '../../transport';
import { idField } from '../fields';

export const description: INodeProperties[] = [
	idField('headscale', 'node', ['get', 'delete'], 'Node ID'),
];

export function nodeIdAt(this: IExecuteFunctions, i: number): string {
	return parseId('Node ID', this.getNodeParameter('id', i), /^\d{1,19}$/);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const { node } = (await headscaleRequest.call(
			this,
			'GET',
			`/api/v1/node/${nodeIdAt.call(this, i)}`,
		)) as { node: IDataObject };
		return summarizeHeadscaleNode(node);
	});
}
