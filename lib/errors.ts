import { NodeApiError } from 'n8n-workflow';

/**
 * Stable error kinds. With "Continue On Fail" every failed item carries `errorKind` and `httpStatus`
 * next to its message, so workflows branch on the kind (a webhook answers 400, 409, 413 or 502)
 * instead of on message text that may be reworded.
 */
export type ErrorKind =
	'input' | 'tooLarge' | 'conflict' | 'notFound' | 'auth' | 'upstream' | 'internal';

/** The HTTP status a webhook should answer its caller with for each kind. */
export const HTTP_STATUS_OF_KIND: Record<ErrorKind, number> = {
	input: 400,
	tooLarge: 413,
	conflict: 409,
	notFound: 404,
	// the node's own credential was refused: the caller's request was fine, the server side is not
	auth: 502,
	upstream: 502,
	internal: 500,
};

/** An error whose kind is known where it is thrown. */
export class KindedError extends Error {
	constructor(
		readonly kind: ErrorKind,
		message: string,
	) {
		super(message);
		this.name = 'KindedError';
	}
}

const MAX_QUOTED = 100;

/** A value quoted for an error message, cut to ~100 characters so no caller gets its input echoed whole. */
export function quoted(value: unknown): string {
	const text = String(value);
	const shown =
		text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…(${text.length} characters)` : text;
	return JSON.stringify(shown);
}

function httpCodeOf(error: object): number | undefined {
	const code = Number((error as { httpCode?: unknown }).httpCode);
	return Number.isInteger(code) && code >= 100 ? code : undefined;
}

/**
 * The kind of any error a node can meet: kinded errors say it themselves; n8n's NodeApiError is judged
 * by the remote status (a refused credential is `auth`, anything else from a service is `upstream`);
 * a NodeOperationError that nothing classified is `internal`.
 */
export function errorKindOf(error: unknown): ErrorKind {
	if (error instanceof KindedError) return error.kind;
	if (error && typeof error === 'object') {
		const kind = (error as { kind?: unknown }).kind;
		if (typeof kind === 'string' && kind in HTTP_STATUS_OF_KIND) return kind as ErrorKind;
		if (error instanceof NodeApiError) {
			const status = httpCodeOf(error);
			return status === 401 || status === 403 ? 'auth' : 'upstream';
		}
	}
	return 'internal';
}

/**
 * A request that failed before it left: its credential could not authenticate it (an OAuth token
 * exchange failed). Nothing reached the service, so even a change is known not to have happened.
 */
export class RequestNotSentError extends Error {
	constructor(
		message: string,
		/** The token endpoint's HTTP status, when it answered. */
		readonly status?: number,
	) {
		super(message);
		this.name = 'RequestNotSentError';
	}
}

/** The RequestNotSentError behind `error`, when n8n's request helper wrapped one. */
export function notSentCause(error: unknown): RequestNotSentError | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current; depth++) {
		if (current instanceof RequestNotSentError) return current;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}
