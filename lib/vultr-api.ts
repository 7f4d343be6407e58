/**
 * Vultr API v2 calls shared by the Vultr Instance node and the DNS Record node (Vultr DNS): one
 * `vultrApi` credential, one request budget per base URL, one error format, one way to page.
 */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { sharedRateLimiter } from './rate-limiter';
import {
	errorField,
	listIn,
	objectIn,
	restRequestOrFail,
	restResponse,
	type RestContext,
	type RestRequest,
	type RestResponse,
} from './rest-request';

export type VultrContext = RestContext;

export const VULTR_CREDENTIAL = 'vultrApi';
const SERVICE = 'Vultr';
/** Vultr answers 429 above 30 requests per second (counted per source IP). */
const REQUESTS_PER_SECOND = 30;
const PAGE_SIZE = 500;
/** A stop for a server whose `next` cursor never ends; 500,000 items is far beyond any account. */
const MAX_PAGES = 1000;

export interface VultrCall {
	qs?: IDataObject;
	body?: IDataObject;
	/** Sending it twice is harmless (reads, deletes, power actions, absolute updates). Default: GET and DELETE. */
	safe?: boolean;
	/** Error statuses that are an answer here, not a failure (e.g. 404 on a delete). */
	allowedStatuses?: number[];
}

async function vultrBaseUrl(this: VultrContext): Promise<string> {
	const credentials = await this.getCredentials<{ baseUrl?: string }>(VULTR_CREDENTIAL);
	return String(credentials.baseUrl || 'https://api.vultr.com/v2').replace(/\/+$/, '');
}

async function describeCall(
	this: VultrContext,
	method: IHttpRequestMethods,
	path: string,
	call: VultrCall,
): Promise<RestRequest> {
	const baseURL = await vultrBaseUrl.call(this);
	return {
		service: SERVICE,
		credential: VULTR_CREDENTIAL,
		method,
		baseURL,
		url: path,
		...call,
		limiter: sharedRateLimiter(`vultr ${baseURL}`, REQUESTS_PER_SECOND),
		// Vultr's error body is `{"error": "...", "status": 400}`.
		errorMessage: errorField('error'),
	};
}

/** One Vultr call, answered with its status; an unsafe call whose outcome is unknown throws `UncertainOutcomeError`. */
export async function vultrCall(
	this: VultrContext,
	method: IHttpRequestMethods,
	path: string,
	call: VultrCall = {},
): Promise<RestResponse> {
	return await restResponse.call(this, await describeCall.call(this, method, path, call));
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

/** One Vultr call whose answer holds the object `key` (`{"instance": {…}}`): that object. */
export async function vultrObject(
	this: VultrContext,
	method: IHttpRequestMethods,
	path: string,
	key: string,
	call: VultrCall = {},
): Promise<IDataObject> {
	return vultrObjectIn(this, method, path, await vultrRequest.call(this, method, path, call), key);
}

/** The object `key` of Vultr's answer to `method path`; any other answer is an upstream error. */
export function vultrObjectIn(
	context: VultrContext,
	method: IHttpRequestMethods,
	path: string,
	body: unknown,
	key: string,
): IDataObject {
	return objectIn(context, { service: SERVICE, method, url: path }, body, key);
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
	for (let page = 0; page < MAX_PAGES; page++) {
		const body = await vultrRequest.call(this, 'GET', path, {
			qs: { ...qs, per_page: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
		});
		items.push(...listIn(this, { service: SERVICE, method: 'GET', url: path }, body, key));
		cursor = String(
			((body.meta as IDataObject | undefined)?.links as IDataObject | undefined)?.next ?? '',
		);
		if (!cursor) return items;
	}
	return items;
}
