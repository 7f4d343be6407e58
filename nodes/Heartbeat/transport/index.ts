import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { ConnectionFailure, type DeliveryResponse } from '../helpers/drainer';
import type { RelayRequest } from '../storage/types';

export interface DeliveryOptions {
	idempotencyHeader: string;
	timeoutMs: number;
}

type RawResponse = { statusCode: number; body: unknown; headers: Record<string, unknown> };

/**
 * Sends one relayed request to home: the stored method, path, headers and bytes, plus the idempotency
 * header. Redirects are not followed (a 3xx is a failed delivery, as with Svix). Anything that keeps
 * home from answering becomes a ConnectionFailure.
 */
export async function deliverToHome(
	this: IExecuteFunctions,
	baseUrl: string,
	request: RelayRequest,
	options: DeliveryOptions,
): Promise<DeliveryResponse> {
	const http: IHttpRequestOptions = {
		method: request.method as IHttpRequestOptions['method'],
		url: `${baseUrl}${request.path}`,
		headers: { ...request.headers, [options.idempotencyHeader]: request.idempotencyKey },
		encoding: 'arraybuffer',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		json: false,
		timeout: options.timeoutMs,
		abortSignal: this.getExecutionCancelSignal(),
	};
	if (request.body) http.body = request.body;
	const response = (await this.helpers.httpRequest(http).catch((error: unknown) => {
		const { code, message } = (error ?? {}) as { code?: string; message?: string };
		throw new ConnectionFailure(`${code ?? 'connection failed'}: ${message ?? String(error)}`.slice(0, 500));
	})) as RawResponse;
	const raw = response.body;
	const body = Buffer.isBuffer(raw)
		? raw
		: raw instanceof ArrayBuffer
			? Buffer.from(raw)
			: Buffer.from(typeof raw === 'string' ? raw : '');
	return { status: response.statusCode, headers: response.headers ?? {}, body };
}
