import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItemsInBatch } from '../../helpers/batch';
import { clock } from '../../helpers/clock';
import { relayRequestReader } from '../../helpers/parameters';
import type { HeartbeatStore } from '../../storage/types';
import { requestFields, sourceField } from '../common.descriptions';

const showFor = { show: { resource: ['queue'], operation: ['enqueue'] } };
const showForFields = { show: { ...showFor.show, requestFrom: ['parameters'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Request From',
		name: 'requestFrom',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Fields Below',
				value: 'parameters',
				description:
					'Set source, method, path and so on below (expressions are evaluated per item)',
			},
			{
				name: 'Input Items',
				value: 'inputItems',
				description:
					'Each input item has the fields source, method, path, headers, body and idempotencyKey; no expressions to evaluate, the fastest way to enqueue many',
			},
		],
		default: 'parameters',
		displayOptions: showFor,
	},
	...[sourceField, ...requestFields].map((field) => ({
		...field,
		displayOptions: field.name === 'requestOptions' ? showFor : showForFields,
	})),
];

/** All items of the execution are validated first and then stored in one transaction, in item order. */
export async function execute(
	this: IExecuteFunctions,
	store: HeartbeatStore,
): Promise<INodeExecutionData[]> {
	return await mapItemsInBatch(this, relayRequestReader.call(this), async (requests) => {
		const stored = await store.enqueueMany(requests, clock.now());
		return requests.map((request, n) => ({
			queued: true,
			id: stored[n].id,
			duplicate: stored[n].duplicate,
			status: stored[n].status,
			source: request.source,
			idempotencyKey: request.idempotencyKey,
		}));
	});
}
