import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import type { HeartbeatStore } from '../../storage/types';
import { sourceFilterField } from '../common.descriptions';
import { deadLetterFilterAt, idsField } from './filter';

const showFor = { show: { resource: ['deadLetter'], operation: ['purge'] } };

export const description: INodeProperties[] = [
	{ ...sourceFilterField, displayOptions: showFor },
	{ ...idsField, displayOptions: showFor },
];

export async function execute(
	this: IExecuteFunctions,
	store: HeartbeatStore,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => ({
		purged: await store.purgeDead(deadLetterFilterAt.call(this, i)),
	}));
}
