import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { clock } from '../../helpers/clock';
import { ConnectionFailure, type DeliveryResponse } from '../../helpers/drainer';
import { settlementFor } from '../../helpers/homeAnswer';
import { storeOnce, type RelayOutcome } from '../../helpers/idempotency';
import { isAlive } from '../../helpers/liveness';
import {
	deliveryAt,
	idempotencyWindowAt,
	livenessAt,
	relayRequestReader,
	type Delivery,
} from '../../helpers/parameters';
import type { HeartbeatStore, RelayRequest } from '../../storage/types';
import { deliverToHome } from '../../transport';
import { deliveryField, livenessField, requestFields, sourceField } from '../common.descriptions';

const showFor = { show: { resource: ['queue'], operation: ['forwardOrEnqueue'] } };

const idempotencyWindowField: INodeProperties = {
	displayName: 'Idempotency Window (Hours)',
	name: 'idempotencyWindowHours',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 24,
	description:
		'How long a request is remembered after home took or refused it: a repeat of its idempotency key within this time is not sent again and gets the first outcome',
};

export const description: INodeProperties[] = [
	sourceField,
	...requestFields,
	livenessField,
	deliveryField,
	idempotencyWindowField,
].map((field) => ({ ...field, displayOptions: showFor }));

/** Why a request was queued instead of delivered now. */
type QueueReason =
	'offline' | 'noBaseUrl' | 'queueNotEmpty' | 'connectionFailure' | 'retryableStatus';

/** The node's output: the same fields for every outcome (see docs/heartbeat.md). */
function relayResult(
	request: RelayRequest,
	outcome: RelayOutcome,
	extra: { duplicate?: boolean; reason?: QueueReason; response?: DeliveryResponse } = {},
): IDataObject {
	const { response } = extra;
	return {
		delivered: outcome.delivered,
		queued: outcome.queued,
		status: outcome.status,
		id: outcome.id,
		duplicate: extra.duplicate ?? false,
		reason: extra.reason ?? null,
		source: request.source,
		idempotencyKey: request.idempotencyKey,
		headers: response ? (response.headers as IDataObject) : null,
		body: response ? response.body.toString('utf8') : null,
	};
}

/** Sends a claimed request home and records the answer: delivered, rejected for good, or queued for Drain. */
async function forwardClaimed(
	this: IExecuteFunctions,
	store: HeartbeatStore,
	request: RelayRequest,
	id: number,
	baseUrl: string,
	delivery: Delivery,
): Promise<IDataObject> {
	let answer: DeliveryResponse | ConnectionFailure | undefined;
	try {
		answer = await deliverToHome.call(this, baseUrl, request, delivery).catch((error: unknown) => {
			if (error instanceof ConnectionFailure) return error;
			throw error;
		});
	} finally {
		// Nothing was decided, not even "unreachable": free the key, so the caller can send the request again.
		if (!answer) await store.releaseForward(id);
	}
	if (answer instanceof ConnectionFailure) {
		await store.settleForward(id, {
			status: 'pending',
			httpStatus: null,
			error: answer.message,
			attempts: 0,
			nextAttemptAt: clock.now(),
		});
		const queued = { id, delivered: false, queued: true, status: null };
		return relayResult(request, queued, { reason: 'connectionFailure' });
	}
	const settlement = settlementFor(answer, clock.now());
	await store.settleForward(id, settlement);
	const outcome = {
		id,
		delivered: settlement.status === 'delivered',
		queued: settlement.status === 'pending',
		status: answer.status,
	};
	const reason = outcome.queued ? 'retryableStatus' : undefined;
	return relayResult(request, outcome, { reason, response: answer });
}

/**
 * Sends the request straight home when the source is online and nothing of it is queued (so it cannot
 * overtake queued requests); otherwise, or when home cannot be reached or answers with a status worth
 * retrying, stores it for Drain. Either way the idempotency key is stored first: a repeat of the key
 * within the window is neither stored nor sent again, and reports the first request's outcome.
 */
export async function execute(
	this: IExecuteFunctions,
	store: HeartbeatStore,
): Promise<INodeExecutionData[]> {
	const relayRequestAt = relayRequestReader.call(this);
	const signal = this.getExecutionCancelSignal();
	return await mapItems.call(this, async (i) => {
		const request = relayRequestAt(i);
		const delivery = deliveryAt.call(this, i);
		const policy = livenessAt.call(this, i);
		const windowMs = idempotencyWindowAt.call(this, i);
		const at = clock.now();
		const [source] = await store.getSources(request.source);
		const baseUrl = delivery.baseUrlOverride ?? source?.baseUrl ?? undefined;

		let reason: QueueReason | undefined = 'offline';
		if (!baseUrl) reason = 'noBaseUrl';
		else if (source && isAlive(source, policy, at))
			reason = (await store.hasPending(request.source)) ? 'queueNotEmpty' : undefined;

		// A forward holds its key for two tries at the timeout (a reused connection is retried once) and slack.
		const claimMs = 2 * delivery.timeoutMs + 5_000;
		const insert = async () => {
			if (!reason) return await store.claimForward(request, at, at + claimMs);
			const [stored] = await store.enqueueMany([request], at);
			return stored.duplicate ? undefined : stored.id;
		};
		const stored = await storeOnce(store, request, insert, { windowMs, waitMs: claimMs, signal });
		if ('first' in stored) return relayResult(request, stored.first, { duplicate: true });
		if (reason || !baseUrl) {
			const queued = { id: stored.id, delivered: false, queued: true, status: null };
			return relayResult(request, queued, { reason });
		}
		return await forwardClaimed.call(this, store, request, stored.id, baseUrl, delivery);
	});
}
