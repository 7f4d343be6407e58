import {
	Agent as HttpAgent,
	request as httpRequest,
	type IncomingMessage,
	type OutgoingHttpHeaders,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { IExecuteFunctions, NodeEgressFilter } from 'n8n-workflow';

import { redactText } from '../../../lib/redact';
import { ConnectionFailure, MAX_RESPONSE_BYTES, type DeliveryResponse } from '../helpers/drainer';
import type { RelayRequest } from '../storage/types';

export interface DeliveryOptions {
	idempotencyHeader: string;
	timeoutMs: number;
}

// Connections to home are reused while a drain sends back to back; an idle one is closed after 4 s,
// before common servers' keep-alive timeouts (5 s) close it under us.
const agentOptions = { keepAlive: true, timeout: 4_000 };
const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };

type Failed = Error & { code?: string; reusedSocket?: boolean };

// Kept with the queued request and shown by Dead Letter List: no URL userinfo or token in it.
const connectionFailure = (error: unknown) => {
	const { code, message } = (error ?? {}) as Failed;
	return new ConnectionFailure(
		redactText(`${code ?? 'connection failed'}: ${message ?? String(error)}`).slice(0, 500),
	);
};

/**
 * One request. Settles only once the request body has been written out (or its connection is gone), so
 * the caller may free the body; a failure says whether it happened on a reused keep-alive connection.
 */
async function exchange(
	url: URL,
	headers: OutgoingHttpHeaders,
	request: RelayRequest,
	egress: NodeEgressFilter,
	timeoutMs: number,
	cancel: AbortSignal | undefined,
): Promise<DeliveryResponse> {
	const https = url.protocol === 'https:';
	let timer: NodeJS.Timeout | undefined;
	return await new Promise<DeliveryResponse>((resolve, reject) => {
		const req = (https ? httpsRequest : httpRequest)(url, {
			method: request.method,
			headers,
			agent: https ? agents.https : agents.http,
			lookup: egress.createSecureLookup(),
			signal: cancel,
		});
		// A plain timer cleared on settling: AbortSignal.timeout would keep each request reachable until it fires.
		timer = setTimeout(
			() =>
				req.destroy(
					Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
				),
			timeoutMs,
		);
		req.once('error', (error: Failed) =>
			reject(Object.assign(error, { reusedSocket: req.reusedSocket })),
		);
		req.once('response', (response: IncomingMessage) => {
			const chunks: Buffer[] = [];
			let kept = 0;
			const settle = () => {
				const answer = {
					status: response.statusCode ?? 0,
					headers: response.headers,
					body: Buffer.concat(chunks),
				};
				if (req.writableFinished || req.destroyed) resolve(answer);
				else req.once('finish', () => resolve(answer)).once('close', () => resolve(answer));
			};
			response.on('data', (chunk: Buffer) => {
				chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - kept));
				kept += chunks[chunks.length - 1].length;
				if (kept < MAX_RESPONSE_BYTES) return;
				// Home answered; the rest of a longer answer is not read (its connection is closed).
				response.removeAllListeners('data');
				response.destroy();
				settle();
			});
			response.once('error', reject);
			response.once('end', settle);
		});
		req.end(request.body ?? undefined);
	}).finally(() => clearTimeout(timer));
}

/**
 * Sends one relayed request to home: the stored method, path, headers and bytes, plus the idempotency
 * header. Redirects are not followed (a 3xx is a failed delivery, as with Svix). Anything that keeps
 * home from answering becomes a ConnectionFailure.
 *
 * node:http guarded by n8n's egress filter (its SSRF policy) rather than n8n's HTTP helper: a drain sends
 * thousands of requests in a row, and the helper's per-request axios config, agents and new connection
 * (~90 KB of objects each) made V8 grow its young generation past 100 MB during a drain.
 */
export async function deliverToHome(
	this: IExecuteFunctions,
	baseUrl: string,
	request: RelayRequest,
	options: DeliveryOptions,
): Promise<DeliveryResponse> {
	const url = new URL(`${baseUrl}${request.path}`);
	const egress = this.helpers.getSecureEgressFilter();
	const allowed = await egress.validateUrl(url);
	if (!allowed.ok) throw connectionFailure(allowed.error);
	const headers: OutgoingHttpHeaders = {
		...request.headers,
		[options.idempotencyHeader]: request.idempotencyKey,
	};
	if (request.body) headers['content-length'] = request.body.length;
	const cancel = this.getExecutionCancelSignal();
	const send = async () => await exchange(url, headers, request, egress, options.timeoutMs, cancel);
	try {
		return await send().catch(async (error: Failed) => {
			// Home closed an idle connection as we reused it: send once more on a new one (the idempotency key
			// makes a copy that did arrive harmless).
			if (
				error.reusedSocket &&
				(error.code === 'ECONNRESET' || error.code === 'EPIPE') &&
				!cancel?.aborted
			) {
				return await send();
			}
			throw error;
		});
	} catch (error) {
		throw connectionFailure(error);
	}
}
