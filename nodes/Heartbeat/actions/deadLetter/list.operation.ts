import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { iso } from '../../helpers/output';
import type { HeartbeatStore } from '../../storage/types';
import { sourceFilterField } from '../common.descriptions';
import { deadLetterFilterAt, idsField } from './filter';

const showFor = { show: { resource: ['deadLetter'], operation: ['list'] } };

export const description: INodeProperties[] = [
	{ ...sourceFilterField, displayOptions: showFor },
	{ ...idsField, displayOptions: showFor },
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: showFor,
	},
];

/** Dead letters oldest first, without their bodies. */
export async function execute(
	this: IExecuteFunctions,
	store: HeartbeatStore,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const limit = Math.max(1, Math.min(1000, Number(this.getNodeParameter('limit', i, 50))));
		const dead = await store.listDead(deadLetterFilterAt.call(this, i), limit);
		return dead.map((letter) => ({
			...letter,
			createdAt: iso(letter.createdAt),
			failedAt: iso(letter.failedAt),
		}));
	});
}
