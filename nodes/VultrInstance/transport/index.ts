import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import { sharedRateLimiter } from '../../../lib/rate-limiter';
import { restRequest, restRequestOrFail, type RestRequest } from '../../../lib/rest-request';

export type VultrContext = IExecuteFunctions | ILoadOptionsFunctions;

const CREDENTIAL = 'vultrApi';
/** Vultr answers 429 above 30 requests per second (counted per source IP). */
const REQUESTS_PER_SECOND = 30;
const PAGE_SIZE = 500;

export interface VultrCall {
	qs?: IDataObject;
	body?: IDataObject;
	/** Sending it twice is harmless (reads, deletes, power actions). Default: GET and DELETE. */
	safe?: boolean;
}

export async function vultrBaseUrl(this: VultrContext): Promise<string> {
	const credentials = await this.getCredentials<{ baseUrl?: string }>(CREDENTIAL);
	return String(credentials.baseUrl || 'https://api.vultr.com/v2').replace(/\/+$/, '');
}

/** Vultr's error body is `{"error": "...", "status": 400}`. */
function vultrMessage(body: unknown): string | undefined {
	const error = body && typeof body === 'object' ? (body as IDataObject).error : undefined;
	return typeof error === 'string' ? error : undefined;
}

async function describeCall(
	this: VultrContext,
	method: IHttpRequestMethods,
	path: string,
	call: VultrCall,
): Promise<RestRequest> {
	const baseURL = await vultrBaseUrl.call(this);
	return {
		service: 'Vultr',
		credential: CREDENTIAL,
		method,
		baseURL,
		url: path,
		...call,
		limiter: sharedRateLimiter(`vultr ${baseURL}`, REQUESTS_PER_SECOND),
		errorMessage: vultrMessage,
	};
}

/** One Vultr call; an unsafe call whose outcome is unknown throws `UncertainOutcomeError`. */
export async function vultrCall(
	this: VultrContext,
	method: IHttpRequestMethods,
	path: string,
	call: VultrCall = {},
): Promise<IDataObject> {
	return await restRequest.call(this, await describeCall.call(this, method, path, call));
}

/** One Vultr call; an unknown outcome becomes a clear error instead of a repeat. */
export async function vultrRequest(
	this: VultrContext,
	method: IHttpRequestMethods,
	path: string,
	call: VultrCall = {},
): Promise<IDataObject> {
	return await restRequestOrFail.call(this, await describeCall.call(this, method, path, call));
}

/** Every item of a paginated list, following `meta.links.next` until it is empty. */
export async function vultrListAll(
	this: VultrContext,
	path: string,
	key: string,
	qs: IDataObject = {},
): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	let cursor = '';
	for (let page = 0; page < 1000; page++) {
		const body = await vultrRequest.call(this, 'GET', path, {
			qs: { ...qs, per_page: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
		});
		items.push(...((body[key] as IDataObject[] | undefined) ?? []));
		cursor = String(
			((body.meta as IDataObject | undefined)?.links as IDataObject | undefined)?.next ?? '',
		);
		if (!cursor) return items;
	}
	return items;
}
