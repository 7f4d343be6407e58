import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { clock } from '../../helpers/clock';
import { ConnectionFailure } from '../../helpers/drainer';
import { isAlive } from '../../helpers/liveness';
import { deliveryAt, livenessAt, relayRequestReader } from '../../helpers/parameters';
import type { HeartbeatStore } from '../../storage/types';
import { deliverToHome } from '../../transport';
import { deliveryField, livenessField, requestFields, sourceField } from '../common.descriptions';

const showFor = { show: { resource: ['queue'], operation: ['forwardOrEnqueue'] } };

export const description: INodeProperties[] = [
	sourceField,
	...requestFields,
	livenessField,
	deliveryField,
].map((field) => ({ ...field, displayOptions: showFor }));

const MAX_RESPONSE_TEXT = 1_000_000;

/**
 * Sends the request straight home when the source is online and nothing of it is queued (so it cannot
 * overtake queued requests); otherwise, or when home cannot be reached, stores it for Drain.
 */
export async function execute(
	this: IExecuteFunctions,
	store: HeartbeatStore,
): Promise<INodeExecutionData[]> {
	const relayRequestAt = relayRequestReader.call(this);
	return await mapItems.call(this, async (i) => {
		const request = relayRequestAt(i);
		const delivery = deliveryAt.call(this, i);
		const policy = livenessAt.call(this, i);
		const [source] = await store.getSources(request.source);
		const baseUrl = delivery.baseUrlOverride ?? source?.baseUrl ?? undefined;

		let reason = 'offline';
		if (!baseUrl) reason = 'noBaseUrl';
		else if (source && isAlive(source, policy, clock.now())) {
			reason = 'queueNotEmpty';
			if (!(await store.hasPending(request.source))) {
				// Only "home unreachable" falls back to the queue; any other error fails the item.
				const response = await deliverToHome
					.call(this, baseUrl, request, delivery)
					.catch((error: unknown) => {
						if (error instanceof ConnectionFailure) return undefined;
						throw error;
					});
				if (response) {
					const result: IDataObject = {
						delivered: true,
						status: response.status,
						source: request.source,
						idempotencyKey: request.idempotencyKey,
						headers: response.headers as IDataObject,
						body: response.body.subarray(0, MAX_RESPONSE_TEXT).toString('utf8'),
					};
					return result;
				}
				reason = 'connectionFailure';
			}
		}
		const [stored] = await store.enqueueMany([request], clock.now());
		return {
			queued: true,
			id: stored.id,
			duplicate: stored.duplicate,
			reason,
			source: request.source,
			idempotencyKey: request.idempotencyKey,
		};
	});
}
