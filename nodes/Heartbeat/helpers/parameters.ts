import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../../../lib/validation';
import { DEFAULT_SCHEDULE_SECONDS, parseSchedule } from './backoff';
import type { DrainOptions } from './drainer';
import type { LivenessPolicy } from './liveness';
import { DEFAULT_METHODS, parseBaseUrl, parseRelayRequest, parseSource } from './request';
import type { RelayRequest } from '../storage/types';
import type { DeliveryOptions } from '../transport';
import { quoted } from '../../../lib/errors';

function positive(field: string, value: unknown, fallback: number, min = 0): number {
	const number = value === undefined || value === '' ? fallback : Number(value);
	if (!Number.isFinite(number) || number < min)
		throw new InputError(field, `${String(value)} must be a number ≥ ${min}`);
	return number;
}

export function sourceAt(this: IExecuteFunctions, i: number): string {
	return parseSource('Source', this.getNodeParameter('source', i));
}

/** The optional source filter: undefined means every source. */
export function sourceFilterAt(this: IExecuteFunctions, i: number): string | undefined {
	const raw = String(this.getNodeParameter('source', i, '')).trim();
	return raw ? parseSource('Source', raw) : undefined;
}

export function livenessAt(
	this: IExecuteFunctions,
	i: number,
	remindEveryMinutes = 0,
): LivenessPolicy {
	const liveness = this.getNodeParameter('liveness', i, {}) as IDataObject;
	return {
		intervalMs: positive('Expected Interval', liveness.intervalSeconds, 60, 1) * 1000,
		graceMs: positive('Grace', liveness.graceSeconds, 10) * 1000,
		missedBeats: Math.round(positive('Missed Beats', liveness.missedBeats, 3, 1)),
		remindEveryMs: remindEveryMinutes * 60_000,
	};
}

type ParameterReader = (name: string, i: number, fallback?: unknown) => unknown;

const holdsExpression = (value: unknown): boolean =>
	typeof value === 'string'
		? value.startsWith('=')
		: typeof value === 'object' && value !== null && Object.values(value).some(holdsExpression);

/**
 * Reads parameters for many items: one that holds an expression is resolved per item, a fixed one is the
 * same for every item and resolved once (n8n's resolution costs far more than storing a request).
 */
export function parameterReader(this: IExecuteFunctions): ParameterReader {
	const raw = this.getNode().parameters;
	const fixed = new Map<string, unknown>();
	return (name, i, fallback) => {
		if (holdsExpression(raw[name])) return this.getNodeParameter(name, i, fallback);
		if (!fixed.has(name)) fixed.set(name, this.getNodeParameter(name, 0, fallback));
		return fixed.get(name);
	};
}

/**
 * Reads and validates the relayed request of item `i` (see parseRelayRequest): from the node's fields,
 * or, with "Request From: Input Items", from the item's own JSON fields of the same names.
 */
export function relayRequestReader(this: IExecuteFunctions): (i: number) => RelayRequest {
	const read = parameterReader.call(this);
	const fromItems = read('requestFrom', 0, 'parameters') === 'inputItems';
	const items = this.getInputData();
	const field = (name: string, i: number, fallback?: unknown) => {
		if (!fromItems) return read(name, i, fallback);
		return items[i].json[name] ?? fallback;
	};
	return (i) => {
		const options = read('requestOptions', i, {}) as IDataObject;
		const allowed = (options.allowedMethods as string[] | undefined) ?? DEFAULT_METHODS;
		return parseRelayRequest(
			{
				source: field('source', i),
				method: field('method', i, 'POST'),
				path: field('path', i),
				headers: field('headers', i, {}),
				body: field('body', i, ''),
				bodyIsBase64: options.bodyIsBase64 === true,
				idempotencyKey: field('idempotencyKey', i, ''),
			},
			{
				allowedMethods: allowed,
				maxBodyBytes: positive('Max Body Size', options.maxBodyKb, 1024, 1) * 1024,
			},
		);
	};
}

export interface Delivery extends DeliveryOptions {
	baseUrlOverride?: string;
}

export function deliveryAt(this: IExecuteFunctions, i: number): Delivery {
	const delivery = this.getNodeParameter('delivery', i, {}) as IDataObject;
	const header = String(delivery.idempotencyHeader ?? 'Idempotency-Key').trim();
	if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
		throw new InputError('Idempotency Header', `${quoted(header)} is not a valid header name`);
	}
	const override = String(delivery.baseUrl ?? '').trim();
	return {
		idempotencyHeader: header,
		timeoutMs: positive('Timeout', delivery.timeoutSeconds, 15, 1) * 1000,
		baseUrlOverride: override ? parseBaseUrl('Base URL Override', override) : undefined,
	};
}

/** Forward or Enqueue's Idempotency Window, in milliseconds. */
export function idempotencyWindowAt(this: IExecuteFunctions, i: number): number {
	const hours = this.getNodeParameter('idempotencyWindowHours', i, 24);
	return positive('Idempotency Window', hours, 24) * 3_600_000;
}

export type DrainSettings = Omit<DrainOptions, 'baseUrlFor' | 'now' | 'signal' | 'sources'> & {
	keepDeliveredMs: number;
};

export function drainSettingsAt(this: IExecuteFunctions, i: number): DrainSettings {
	const options = this.getNodeParameter('drainOptions', i, {}) as IDataObject;
	return {
		batchSize: Math.round(positive('Batch Size', options.batchSize, 50, 1)),
		concurrency: Math.round(positive('Concurrency', options.concurrency, 4, 1)),
		leaseMs: positive('Lease', options.leaseSeconds, 60, 1) * 1000,
		maxAttempts: Math.round(
			positive('Max Attempts', options.maxAttempts, DEFAULT_SCHEDULE_SECONDS.length + 1, 1),
		),
		maxDurationMs: positive('Max Duration', options.maxDurationSeconds, 50, 1) * 1000,
		ratePerSecond: positive('Rate Limit', options.ratePerSecond, 0),
		scheduleSeconds: options.retrySchedule
			? parseSchedule('Retry Schedule', String(options.retrySchedule))
			: DEFAULT_SCHEDULE_SECONDS,
		keepDeliveredMs: positive('Keep Delivered', options.keepDeliveredHours, 24) * 3_600_000,
	};
}
