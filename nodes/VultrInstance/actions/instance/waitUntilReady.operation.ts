import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import {
	instanceIdAt,
	instanceIdField,
	readinessOptions,
	readinessPlanAt,
	waitForInstance,
} from './shared';

export const description: INodeProperties[] = [
	instanceIdField(['waitUntilReady']),
	readinessOptions({ resource: ['instance'], operation: ['waitUntilReady'] }),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const id = instanceIdAt.call(this, i);
		return await waitForInstance.call(this, id, readinessPlanAt.call(this, i));
	});
}
