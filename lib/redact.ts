/**
 * Keeps credentials out of what a node shows: error messages and descriptions, the error objects n8n
 * stores and logs, and outputs. Secrets get there through base URLs (userinfo, query tokens), remote
 * error bodies that echo the request, and library errors; each is cleaned here before it is shown.
 */
import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';

export const REDACTED = '***';

/** Shorter values are too common to take out of a text without mangling it. */
const MIN_SECRET_LENGTH = 4;

/** Credential fields holding secrets: API keys and tokens, client secrets, header values, passwords, keys. */
const SECRET_FIELD = /(key|token|secret|password|passphrase)$/i;

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/]*)@/i;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const AUTHORIZATION = /\b(Bearer|Basic)\s+([\w.~+/-]{8,}=*)/gi;
/** Tokens have digits, base64 signs or mixed case; words such as "authentication" have none. */
const TOKEN_LIKE = /\d|[+/=]|[a-z][\w.~+/-]*[A-Z]/;

const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;

/** A library error's code (ECONNREFUSED, …), its own or its cause's; never its message, which may quote the request. */
export function errorCodeOf(error: unknown): string | undefined {
	const reason = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
	const code = String(reason.cause?.code ?? reason.code ?? '');
	return ERROR_CODE.test(code) ? code : undefined;
}

function maskQuery(query: string): string {
	return query
		.split('&')
		.map((part) => {
			const eq = part.indexOf('=');
			if (eq < 0) return part ? REDACTED : part;
			return `${part.slice(0, eq)}=${REDACTED}`;
		})
		.join('&');
}

/** A URL (absolute or a path) safe to show: no userinfo, every query value masked, no fragment. */
export function safeUrl(url: string): string {
	const [withoutFragment] = String(url).split('#', 1);
	const queryAt = withoutFragment.indexOf('?');
	const base = (queryAt < 0 ? withoutFragment : withoutFragment.slice(0, queryAt)).replace(
		USERINFO,
		'$1',
	);
	return queryAt < 0 ? base : `${base}?${maskQuery(withoutFragment.slice(queryAt + 1))}`;
}

function decoded(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

/** The userinfo and query values of a URL: as written, decoded, and as the Basic header a client sends. */
function urlSecrets(url: string): string[] {
	if (!SCHEME.test(url)) return [];
	const [withoutFragment] = url.split('#', 1);
	const secrets: string[] = [];
	const userinfo = USERINFO.exec(withoutFragment.split('?', 1)[0])?.[2];
	if (userinfo) {
		const colon = userinfo.indexOf(':');
		const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
		const password = colon < 0 ? '' : userinfo.slice(colon + 1);
		// Without a password the user part is the token (https://TOKEN@host).
		secrets.push(...(password ? [password, decoded(password)] : [user, decoded(user)]));
		const basic = `${decoded(user)}:${decoded(password)}`;
		secrets.push(Buffer.from(basic).toString('base64'));
	}
	const queryAt = withoutFragment.indexOf('?');
	if (queryAt >= 0) {
		for (const part of withoutFragment.slice(queryAt + 1).split('&')) {
			const value = part.slice(part.indexOf('=') + 1);
			secrets.push(value, decoded(value));
		}
	}
	return secrets;
}

/** The lines of a multi-line secret (a private key), which a message may quote one at a time. */
function linesOf(secret: string): string[] {
	return secret
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line.length >= 16 && !line.startsWith('-----'));
}

/** The values of a credential that must never be shown: its secret fields, and what its URLs carry. */
export function credentialSecrets(data: ICredentialDataDecryptedObject | undefined): string[] {
	const secrets: string[] = [];
	for (const [field, value] of Object.entries(data ?? {})) {
		if (typeof value !== 'string' || !value) continue;
		if (SECRET_FIELD.test(field)) secrets.push(value, ...linesOf(value));
		secrets.push(...urlSecrets(value));
	}
	return secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
}

interface CredentialReader {
	getNode(): INode;
	getCredentials(type: string, itemIndex?: number): Promise<ICredentialDataDecryptedObject>;
}

/**
 * The secrets of credentials the running node can read: of `types`, or of every credential attached
 * to the node. A credential that cannot be read (not used by this operation) has none.
 */
export async function credentialSecretsOf(
	context: CredentialReader,
	types: string[] = Object.keys(context.getNode().credentials ?? {}),
	itemIndex?: number,
): Promise<string[]> {
	const data = await Promise.all(
		types.map(async (type) => await context.getCredentials(type, itemIndex).catch(() => undefined)),
	);
	return data.flatMap(credentialSecrets);
}

/** `text` with every known secret (also URL- and JSON-escaped) replaced, longest first. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
	const variants = new Set<string>();
	for (const secret of secrets) {
		for (const variant of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])
			if (variant.length >= MIN_SECRET_LENGTH) variants.add(variant);
	}
	let result = text;
	for (const variant of [...variants].sort((a, b) => b.length - a.length))
		result = result.split(variant).join(REDACTED);
	return result;
}

/**
 * `text` safe to show in an error or a log: known secrets removed, URLs without userinfo and query
 * values, and no Bearer or Basic token.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
	return scrubSecrets(String(text), secrets)
		.replace(URL_IN_TEXT, (url) => safeUrl(url))
		.replace(AUTHORIZATION, (match, scheme: string, token: string) =>
			TOKEN_LIKE.test(token) ? `${scheme} ${REDACTED}` : match,
		);
}

const MAX_DEPTH = 8;

/** A copy of a value (an error response, a context) with every string redacted; errors keep name and message. */
export function redactDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
	if (typeof value === 'string') return redactText(value, secrets);
	if (value === null || typeof value !== 'object') return value;
	if (depth >= MAX_DEPTH) return undefined;
	if (value instanceof Error)
		return { name: value.name, message: redactText(value.message, secrets) };
	if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, secrets, depth + 1));
	const prototype = Object.getPrototypeOf(value) as unknown;
	if (prototype !== Object.prototype && prototype !== null)
		return redactText(String(value), secrets);
	return Object.fromEntries(
		Object.entries(value).map(([key, entry]) => [key, redactDeep(entry, secrets, depth + 1)]),
	);
}

/** Parameters that hold a secret typed into a node rather than kept in a credential. */
const SECRET_PARAMETERS = new Set(['basicAuthPassword']);

/**
 * The values of secret parameters anywhere in a node's parameters, inside JSON text too (a Sync's
 * route list); expressions are left out (their text is no secret, their value is never shown).
 */
export function secretParameterValues(value: unknown, depth = 0): string[] {
	if (depth >= MAX_DEPTH) return [];
	if (typeof value === 'string') {
		if (!/^\s*[[{]/.test(value)) return [];
		try {
			return secretParameterValues(JSON.parse(value), depth + 1);
		} catch {
			return [];
		}
	}
	if (value === null || typeof value !== 'object') return [];
	return Object.entries(value).flatMap(([key, entry]) =>
		SECRET_PARAMETERS.has(key) && typeof entry === 'string'
			? entry && !entry.startsWith('=')
				? [entry]
				: []
			: secretParameterValues(entry, depth + 1),
	);
}

interface ShownError {
	message: string;
	node?: unknown;
	stack?: string;
	description?: unknown;
	messages?: unknown;
	errorResponse?: unknown;
	context?: unknown;
	cause?: unknown;
}

/**
 * Cleans, in place, everything of an n8n error that n8n shows, stores with the execution or logs:
 * message, stack, description, the collected messages, the error response, the context and the cause.
 */
export function redactError<T extends object>(error: T, secrets: readonly string[]): T {
	const shown = error as T & ShownError;
	shown.message = redactText(shown.message, secrets);
	if (typeof shown.stack === 'string') shown.stack = redactText(shown.stack, secrets);
	if (typeof shown.description === 'string')
		shown.description = redactText(shown.description, secrets);
	if (Array.isArray(shown.messages))
		shown.messages = shown.messages.map((text) => redactText(String(text), secrets));
	if (shown.errorResponse !== undefined)
		shown.errorResponse = redactDeep(shown.errorResponse, secrets);
	if (shown.context !== undefined) shown.context = redactDeep(shown.context, secrets);
	// n8n errors carry the node with its parameters, which may hold a password typed into it.
	if (shown.node !== undefined) shown.node = redactDeep(shown.node, secrets);
	if (shown.cause !== undefined) {
		// Error's own `cause` is not enumerable; it stays so.
		Object.defineProperty(shown, 'cause', {
			value: redactDeep(shown.cause, secrets),
			writable: true,
			configurable: true,
			enumerable: false,
		});
	}
	return error;
}
