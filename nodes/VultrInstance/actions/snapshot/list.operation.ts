import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { vultrListAll } from '../../transport';
import { prefixField } from './fields';

export const description: INodeProperties[] = [prefixField(['list'], false)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const prefix = String(this.getNodeParameter('prefix', i, ''));
		const snapshots = await vultrListAll.call(this, '/snapshots', 'snapshots');
		return snapshots.filter((snapshot) => String(snapshot.description ?? '').startsWith(prefix));
	});
}
