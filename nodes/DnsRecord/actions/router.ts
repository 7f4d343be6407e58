import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { selectOperation } from '../../../lib/router';
import * as record from './record/Record.resource';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

const resources: Record<string, Record<string, Operation>> = {
	record: {
		upsert: record.upsert,
		delete: record.delete,
		get: record.get,
		list: record.list,
		sync: record.sync,
		verify: record.verify,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return [await selectOperation(this, resources).execute.call(this)];
}
