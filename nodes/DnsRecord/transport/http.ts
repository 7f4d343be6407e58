import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import type { RateLimiter } from '../../../lib/rate-limiter';
import { listIn, restRequestOrFail } from '../../../lib/rest-request';

export type DnsContext = IExecuteFunctions | ILoadOptionsFunctions;

/** One provider's HTTP API as the node talks to it. */
export interface HttpApi {
	/** Shown in error messages. */
	service: string;
	credential: string;
	baseURL: string;
	limiter: RateLimiter;
	/** The service's own error text from a failed response, if it has one. */
	message(body: unknown): string | undefined;
}

export interface HttpCall {
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** Sending it twice is harmless. Default: everything but POST (DNS PATCH/PUT set absolute values). */
	safe?: boolean;
	/** Error statuses that are an answer, not a failure (e.g. 404 on a delete repeated after a 5xx). */
	allowedStatuses?: number[];
}

/**
 * One call through lib/rest-request.ts (rate limit, 429/5xx retries honouring Retry-After, timeout,
 * cancellation, NodeApiError with the service's message and status), answered with the body; an
 * unsafe call with an unknown outcome fails without being repeated — Upsert and Sync read the zone
 * first, so a re-run converges.
 */
export async function httpCall(this: DnsContext, api: HttpApi, call: HttpCall): Promise<unknown> {
	return await restRequestOrFail.call(this, {
		service: api.service,
		credential: api.credential,
		method: call.method,
		baseURL: api.baseURL,
		url: call.url,
		qs: call.qs,
		body: call.body,
		safe: call.safe ?? call.method !== 'POST',
		allowedStatuses: call.allowedStatuses,
		limiter: api.limiter,
		errorMessage: (body) => api.message(body),
	});
}

/** The list `key` of the answer to `call` (without a key: the answer itself); see lib/rest-request.ts. */
export function listInAnswer(
	this: DnsContext,
	api: HttpApi,
	call: HttpCall,
	body: unknown,
	key?: string,
): IDataObject[] {
	return listIn(this, { service: api.service, method: call.method, url: call.url }, body, key);
}
