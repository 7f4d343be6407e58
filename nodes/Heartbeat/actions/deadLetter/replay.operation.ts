import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { clock } from '../../helpers/clock';
import type { HeartbeatStore } from '../../storage/types';
import { sourceFilterField } from '../common.descriptions';
import { deadLetterFilterAt, idsField } from './filter';

const showFor = { show: { resource: ['deadLetter'], operation: ['replay'] } };

export const description: INodeProperties[] = [
	{ ...sourceFilterField, displayOptions: showFor },
	{ ...idsField, displayOptions: showFor },
];

/** Puts dead letters back in the queue with fresh attempts; they keep their place (id order) in it. */
export async function execute(
	this: IExecuteFunctions,
	store: HeartbeatStore,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => ({
		replayed: await store.replayDead(deadLetterFilterAt.call(this, i), clock.now()),
	}));
}
