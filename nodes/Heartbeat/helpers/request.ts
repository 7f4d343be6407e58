import { randomUUID } from 'node:crypto';

import { classifyAddress } from '../../../lib/net';
import { InputError } from '../../../lib/validation';
import type { RelayRequest } from '../storage/types';
import { quoted } from '../../../lib/errors';

export const DEFAULT_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

// Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the relay sets itself.
const FORBIDDEN_HEADERS = new Set([
	'connection',
	'keep-alive',
	'proxy-authenticate',
	'proxy-authorization',
	'proxy-connection',
	'te',
	'trailer',
	'transfer-encoding',
	'upgrade',
	'host',
	'content-length',
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SOURCE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_PATH = 2048;
const MAX_HEADER_VALUE = 8192;
const MAX_HEADERS = 64;

export interface RequestLimits {
	allowedMethods: string[];
	maxBodyBytes: number;
}

export interface RequestInput {
	source: unknown;
	method: unknown;
	path: unknown;
	headers: unknown;
	body: unknown;
	bodyIsBase64: boolean;
	idempotencyKey: unknown;
}

export function parseSource(field: string, raw: unknown): string {
	const source = String(raw ?? '').trim();
	if (!SOURCE.test(source)) {
		throw new InputError(
			field,
			`${quoted(source.slice(0, 80))} is not a source name (1-64 letters, digits, ".", "_" or "-")`,
		);
	}
	return source;
}

export function parseMethod(raw: unknown, allowed: string[]): string {
	const method = String(raw ?? '')
		.trim()
		.toUpperCase();
	if (!allowed.includes(method)) {
		throw new InputError(
			'Method',
			`${quoted(method.slice(0, 20))} is not allowed (allowed: ${allowed.join(', ')})`,
		);
	}
	return method;
}

function safeDecode(text: string): string | undefined {
	try {
		return decodeURIComponent(text);
	} catch {
		return undefined;
	}
}

/** A path relative to the source's base URL: starts with one "/", no scheme or host, no "..", no control characters. */
export function parseRelativePath(raw: unknown): string {
	const path = String(raw ?? '');
	if (/^[a-z][a-z0-9+.-]*:/i.test(path))
		throw new InputError('Path', 'must not contain a scheme or host');
	if (!path.startsWith('/'))
		throw new InputError('Path', 'must start with "/" (a path on the home service)');
	if (path.length > MAX_PATH)
		throw new InputError('Path', `longer than ${MAX_PATH} characters`, 'tooLarge');
	if (/[\u0000-\u001f\u007f\s\\]/.test(path)) {
		throw new InputError(
			'Path',
			'must not contain whitespace, backslashes or control characters (CR, LF …)',
		);
	}
	if (path.startsWith('//')) throw new InputError('Path', 'must not name a host ("//host/…")');
	const beforeQuery = path.split(/[?#]/)[0];
	const decoded = safeDecode(beforeQuery);
	if (decoded === undefined) throw new InputError('Path', 'has a broken percent-encoding');
	if (decoded.split('/').some((segment) => segment === '..' || segment === '.')) {
		throw new InputError('Path', 'must not contain "." or ".." segments');
	}
	if (/[\r\n\0\\]/.test(decoded))
		throw new InputError('Path', 'must not encode CR, LF, NUL or backslashes');
	return path;
}

function tryJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** An object given as such or as JSON text; empty text and null give an empty object. */
export function parseJsonObject(field: string, raw: unknown): Record<string, unknown> {
	const value = typeof raw === 'string' ? (raw.trim() ? tryJson(raw) : {}) : (raw ?? {});
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new InputError(field, 'must be a JSON object');
	}
	return value as Record<string, unknown>;
}

export function parseHeaders(raw: unknown): Record<string, string> {
	const entries = Object.entries(parseJsonObject('Headers', raw));
	if (entries.length > MAX_HEADERS)
		throw new InputError('Headers', `more than ${MAX_HEADERS} headers`, 'tooLarge');
	const headers: Record<string, string> = {};
	for (const [name, rawValue] of entries) {
		if (!TOKEN.test(name))
			throw new InputError('Headers', `${quoted(name.slice(0, 80))} is not a valid header name`);
		if (FORBIDDEN_HEADERS.has(name.toLowerCase())) {
			throw new InputError(
				'Headers',
				`${quoted(name)} is a hop-by-hop or relay-managed header and cannot be relayed`,
			);
		}
		if (typeof rawValue !== 'string' && typeof rawValue !== 'number') {
			throw new InputError('Headers', `the value of ${quoted(name)} must be a string`);
		}
		const text = String(rawValue);
		if (/[\r\n\0]/.test(text))
			throw new InputError('Headers', `the value of ${quoted(name)} contains CR, LF or NUL`);
		if (text.length > MAX_HEADER_VALUE)
			throw new InputError(
				'Headers',
				`the value of ${quoted(name)} is longer than ${MAX_HEADER_VALUE} characters`,
				'tooLarge',
			);
		headers[name] = text;
	}
	return headers;
}

export function parseBody(raw: unknown, isBase64: boolean, maxBytes: number): Buffer | null {
	if (raw === undefined || raw === null || raw === '') return null;
	let body: Buffer;
	if (typeof raw === 'string') {
		if (isBase64 && !/^[A-Za-z0-9+/]*={0,2}$/.test(raw.replace(/\s/g, ''))) {
			throw new InputError('Body', 'is not valid base64');
		}
		body = Buffer.from(raw, isBase64 ? 'base64' : 'utf8');
	} else {
		body = Buffer.from(JSON.stringify(raw), 'utf8');
	}
	if (body.length > maxBytes) {
		throw new InputError(
			'Body',
			`${body.length} bytes is more than the limit of ${maxBytes}`,
			'tooLarge',
		);
	}
	return body;
}

export function parseIdempotencyKey(raw: unknown): string {
	const key = String(raw ?? '').trim();
	if (!key) return randomUUID();
	if (key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
		throw new InputError(
			'Idempotency Key',
			'must be 1-255 visible ASCII characters without spaces',
		);
	}
	return key;
}

/** Validates a whole request; nothing is stored or sent unless all of it is acceptable. */
export function parseRelayRequest(input: RequestInput, limits: RequestLimits): RelayRequest {
	const headers = parseHeaders(input.headers);
	const body = parseBody(input.body, input.bodyIsBase64, limits.maxBodyBytes);
	if (
		body &&
		typeof input.body === 'object' &&
		!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
	) {
		headers['Content-Type'] = 'application/json';
	}
	return {
		source: parseSource('Source', input.source),
		method: parseMethod(input.method, limits.allowedMethods),
		path: parseRelativePath(input.path),
		headers,
		body,
		idempotencyKey: parseIdempotencyKey(input.idempotencyKey),
	};
}

/** The source's base URL: http(s), no credentials, query or fragment; never a link-local (metadata) address. */
export function parseBaseUrl(field: string, raw: unknown): string {
	const text = String(raw ?? '').trim();
	const url = URL.canParse(text) ? new URL(text) : undefined;
	if (!url) throw new InputError(field, `${quoted(text.slice(0, 200))} is not a URL`);
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw new InputError(field, 'must be an http or https URL');
	if (url.username || url.password) throw new InputError(field, 'must not contain credentials');
	if (url.search || url.hash) throw new InputError(field, 'must not contain a query or fragment');
	const host = url.hostname.replace(/^\[|\]$/g, '');
	if (classifyAddress(host) === 'link-local')
		throw new InputError(field, 'must not point at a link-local address');
	return url.toString().replace(/\/+$/, '');
}
