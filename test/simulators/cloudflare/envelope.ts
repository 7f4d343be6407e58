/** Cloudflare API v4's response envelope, error objects and list pagination (service-apis.md §5). */
import { SimError, type SimRequest, type SimResponse } from '../core/server';

export interface CloudflareErrorItem {
	code: number;
	message: string;
	error_chain?: CloudflareErrorItem[];
}

/** Default error code per status when a handler gives none (429 is documented as 971). */
const DEFAULT_CODES: Record<number, CloudflareErrorItem> = {
	400: { code: 1004, message: 'DNS Validation Error' },
	401: { code: 10000, message: 'Authentication error' },
	403: { code: 10000, message: 'Authentication error' },
	404: { code: 7003, message: 'Could not route to the requested path' },
	429: { code: 971, message: 'Please wait and consider throttling your request speed' },
	500: { code: 10001, message: 'Internal server error' },
};

/** The rate-limit headers Cloudflare sends on every response. */
export const RATE_HEADERS = {
	Ratelimit: '"default";r=50;t=30',
	'Ratelimit-Policy': '"burst";q=100;w=60',
};

export function ok(result: unknown, resultInfo?: Record<string, number>): SimResponse {
	const body: Record<string, unknown> = { success: true, errors: [], messages: [], result };
	if (resultInfo) body.result_info = resultInfo;
	return { status: 200, body, headers: { ...RATE_HEADERS } };
}

export function failure(status: number, errors: CloudflareErrorItem[]): SimResponse {
	return {
		status,
		body: { success: false, errors, messages: [], result: null },
		headers: { ...RATE_HEADERS },
	};
}

/** `errorBody` for the simulator framework: `extra.code` / `extra.error_chain` pick the exact error. */
export function cloudflareError(
	status: number,
	message: string,
	extra: Record<string, unknown>,
): SimResponse {
	const fallback = DEFAULT_CODES[status] ?? DEFAULT_CODES[status >= 500 ? 500 : 400];
	const item: CloudflareErrorItem = {
		code: typeof extra.code === 'number' ? extra.code : fallback.code,
		message: message === 'Injected fault' || message === 'Not found' ? fallback.message : message,
	};
	if (Array.isArray(extra.error_chain))
		item.error_chain = extra.error_chain as CloudflareErrorItem[];
	return failure(status, [item]);
}

export function cfError(status: number, code: number, message: string): SimError {
	return new SimError(status, message, { code });
}

/** `page` (1-based) and `per_page` with Cloudflare's `result_info`. */
export function paginate<T>(
	items: T[],
	request: SimRequest,
	defaultPerPage: number,
	maxPerPage: number,
): SimResponse {
	const page = Number(request.query.get('page') ?? 1);
	const perPage = Number(request.query.get('per_page') ?? defaultPerPage);
	if (!Number.isInteger(page) || page < 1)
		throw cfError(400, 1004, 'page must be a positive integer');
	if (!Number.isInteger(perPage) || perPage < 1 || perPage > maxPerPage) {
		throw cfError(400, 1004, `per_page must be an integer from 1 to ${maxPerPage}`);
	}
	const slice = items.slice((page - 1) * perPage, page * perPage);
	return ok(slice, {
		page,
		per_page: perPage,
		count: slice.length,
		total_count: items.length,
		total_pages: Math.max(1, Math.ceil(items.length / perPage)),
	});
}
