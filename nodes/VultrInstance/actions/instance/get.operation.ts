import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { summarizeInstance } from '../../helpers/instanceSummary';
import { getInstance, instanceIdAt, instanceIdField } from './shared';

export const description: INodeProperties[] = [instanceIdField(['get'])];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) =>
		summarizeInstance(await getInstance.call(this, instanceIdAt.call(this, i))),
	);
}
