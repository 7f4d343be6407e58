import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { mapItems } from '../../../lib/execute';
import { vultrListAll } from '../transport';

/** An operation that outputs every entry of a read-only Vultr list (regions, operating systems). */
export function catalogList(path: string, key: string) {
	return async function (this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		return await mapItems.call(this, async () => await vultrListAll.call(this, path, key));
	};
}
