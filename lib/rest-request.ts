import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { notSentCause } from './errors';
import { sendWithRetry, UncertainOutcomeError } from './http-retry';
import type { RateLimiter } from './rate-limiter';
import { credentialSecretsOf, errorCodeOf, redactText, safeUrl } from './redact';

export type RestContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface RestRequest {
	/** Service name for messages ("Vultr", "Tailscale"). */
	service: string;
	credential: string;
	method: IHttpRequestMethods;
	baseURL: string;
	url: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** Sending it twice is harmless. Default: GET and DELETE. */
	safe?: boolean;
	limiter?: RateLimiter;
	timeoutMs?: number;
	/** Pulls the service's own error message out of an error body. */
	errorMessage: (body: unknown) => string | undefined;
	/** Error statuses that are an answer, not a failure (e.g. 404 for a delete repeated after a lost answer). */
	allowedStatuses?: number[];
}

export interface RestResponse {
	status: number;
	body: IDataObject;
}

/** Reads a service's message from the string `field` of a JSON error body (`{"error": "…"}` and the like). */
export function errorField(field: string): (body: unknown) => string | undefined {
	return (body) => {
		const value = body && typeof body === 'object' ? (body as IDataObject)[field] : undefined;
		return typeof value === 'string' ? value : undefined;
	};
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/**
 * Only the failure's code and the base URL without userinfo or query values: the original error
 * carries the request, secrets and user data included.
 */
function networkFailure(context: RestContext, request: RestRequest, error: unknown): NodeApiError {
	const code = errorCodeOf(error) ?? 'connection failed';
	return new NodeApiError(context.getNode(), { error: code } as JsonObject, {
		message: `${request.service} API unreachable at ${safeUrl(request.baseURL)} (${code})`,
		description: 'Check the credential URL and the network; the request was not confirmed.',
	});
}

/**
 * One JSON request through n8n's HTTP helper with the credential's authentication, a timeout,
 * cancellation, rate limiting and retries (http-retry.ts). Error statuses other than the allowed ones
 * become NodeApiError with the service's message and the HTTP status. An unsafe request whose outcome
 * is unknown throws `UncertainOutcomeError` for the caller to resolve.
 */
export async function restResponse(this: RestContext, request: RestRequest): Promise<RestResponse> {
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL: request.baseURL,
		url: request.url,
		qs: request.qs,
		body: request.body,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: request.timeoutMs ?? 30_000,
	};
	const signal = 'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal() : undefined;
	if (signal) options.abortSignal = signal;
	let response: FullResponse;
	try {
		response = await sendWithRetry(
			async () =>
				(await this.helpers.httpRequestWithAuthentication.call(
					this,
					request.credential,
					options,
				)) as FullResponse,
			{
				safe: request.safe ?? (request.method === 'GET' || request.method === 'DELETE'),
				limiter: request.limiter,
				signal,
			},
		);
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the caller decides (look up, or restRequestOrFail)
		if (error instanceof UncertainOutcomeError) throw error;
		const notSent = notSentCause(error);
		if (notSent) {
			throw new NodeApiError(this.getNode(), { error: notSent.message } as JsonObject, {
				message: notSent.message,
				description: `Nothing was sent to ${request.service}: check the credential.`,
				httpCode: notSent.status ? String(notSent.status) : undefined,
			});
		}
		throw networkFailure(this, request, error);
	}
	if (response.statusCode >= 400 && !request.allowedStatuses?.includes(response.statusCode)) {
		// The service may echo the request (its Authorization header, the URL): cleaned before it is cut.
		const secrets = await credentialSecretsOf(this, [request.credential]);
		const serviceMessage = request.errorMessage(response.body);
		const text =
			typeof response.body === 'string'
				? redactText(response.body.trim(), secrets).slice(0, 300)
				: '';
		const message =
			serviceMessage === undefined
				? text || `HTTP ${response.statusCode}`
				: redactText(serviceMessage, secrets);
		throw new NodeApiError(
			this.getNode(),
			{ error: message, status: response.statusCode } as JsonObject,
			{
				message: `${request.service}: ${message}`,
				description: `${request.method} ${safeUrl(request.url)} answered HTTP ${response.statusCode}`,
				httpCode: String(response.statusCode),
			},
		);
	}
	const { body } = response;
	if (body && typeof body === 'object')
		return { status: response.statusCode, body: body as IDataObject };
	// An empty answer is a bodiless success (204 to a change); a read must answer JSON.
	if ((body === undefined || body === null || body === '') && request.method !== 'GET')
		return { status: response.statusCode, body: {} };
	throw unexpectedAnswer(this, request, 'something that is not JSON');
}

/**
 * A success whose body is not what the API documents: the credential's URL leads somewhere else (a
 * login page, a proxy) or the service misbehaves. An upstream error, never a crash or an empty list.
 */
export function unexpectedAnswer(
	context: RestContext,
	request: Pick<RestRequest, 'service' | 'method' | 'url'>,
	what: string,
): NodeApiError {
	return new NodeApiError(context.getNode(), { error: 'unexpected answer' } as JsonObject, {
		message: `${request.service} answered ${request.method} ${safeUrl(request.url)} with ${what}`,
		description: `Check that the credential's URL points at the ${request.service} API.`,
	});
}

/** The list `key` of an answer (absent: none). Anything but a list of objects is an unexpected answer. */
export function listIn(
	context: RestContext,
	request: Pick<RestRequest, 'service' | 'method' | 'url'>,
	body: unknown,
	key?: string,
): IDataObject[] {
	const value = key === undefined ? body : (body as IDataObject | undefined)?.[key];
	if (key !== undefined && (value === undefined || value === null)) return [];
	const isObject = (item: unknown) => !!item && typeof item === 'object' && !Array.isArray(item);
	if (Array.isArray(value) && value.every(isObject)) return value as IDataObject[];
	throw unexpectedAnswer(context, request, key === undefined ? 'no list' : `no "${key}" list`);
}

/** The object `key` of an answer; anything else is an unexpected answer. */
export function objectIn(
	context: RestContext,
	request: Pick<RestRequest, 'service' | 'method' | 'url'>,
	body: unknown,
	key: string,
): IDataObject {
	const value = (body as IDataObject | undefined)?.[key];
	if (value && typeof value === 'object' && !Array.isArray(value)) return value as IDataObject;
	throw unexpectedAnswer(context, request, `no "${key}" object`);
}

/** `restResponse` for callers that need only the body. */
export async function restRequest(this: RestContext, request: RestRequest): Promise<IDataObject> {
	return (await restResponse.call(this, request)).body;
}

/** `restRequest` for calls whose unknown outcome the caller does not resolve itself: a clear error. */
export async function restRequestOrFail(
	this: RestContext,
	request: RestRequest,
): Promise<IDataObject> {
	try {
		return await restRequest.call(this, request);
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- already a NodeApiError
		if (!(error instanceof UncertainOutcomeError)) throw error;
		throw new NodeApiError(this.getNode(), { error: error.message } as JsonObject, {
			message: `${request.service}: ${request.method} ${request.url} may or may not have been applied (${error.message}); it was not repeated`,
			description:
				'Check the current state (or run the node again: ensure operations look before they create).',
			httpCode: error.statusCode ? String(error.statusCode) : undefined,
		});
	}
}
