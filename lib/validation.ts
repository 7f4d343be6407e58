import { isIP } from 'node:net';

import { KindedError, quoted, type ErrorKind } from './errors';

const MAX_MESSAGE = 400;

/**
 * Bad user input, tied to the parameter it came from so the message can name it. Messages quote
 * values through `quoted()`; a message is also cut as a whole, so no input is ever echoed at length.
 */
export class InputError extends KindedError {
	constructor(
		readonly field: string,
		message: string,
		kind: Extract<ErrorKind, 'input' | 'tooLarge' | 'conflict' | 'notFound'> = 'input',
	) {
		const text = `Invalid ${field}: ${message}`;
		super(kind, text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text);
		this.name = 'InputError';
	}
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * An RFC 1123 host name, lower-cased. A wildcard is accepted only as the whole leftmost label
 * (`*.example.com`), and only when the caller allows it.
 */
export function parseHostname(field: string, raw: unknown, allowWildcard = true): string {
	if (typeof raw !== 'string') throw new InputError(field, 'a host name must be text');
	if (/[\r\n\0]/.test(raw))
		throw new InputError(field, 'host names cannot contain control characters');
	const host = raw.trim().toLowerCase().replace(/\.$/, '');
	if (!host) throw new InputError(field, 'a host name is required');
	if (host.length > 253)
		throw new InputError(field, `${quoted(host)} is longer than 253 characters`);
	const labels = host.split('.');
	labels.forEach((label, index) => {
		if (label === '*' && index === 0 && labels.length > 1) {
			if (!allowWildcard)
				throw new InputError(field, `${quoted(host)}: a wildcard is not allowed here`);
			return;
		}
		if (label.includes('*')) {
			throw new InputError(
				field,
				`${quoted(host)}: a wildcard may only be the whole leftmost label, as in *.example.com`,
			);
		}
		if (!LABEL.test(label)) {
			throw new InputError(
				field,
				`${quoted(host)} is not a valid host name (RFC 1123: labels of 1-63 letters, digits or inner hyphens)`,
			);
		}
	});
	return host;
}

/**
 * A host name the public can reach by DNS: not an IP literal, not `localhost`, not a single label
 * (a wildcard must cover at least a two-label zone), not an all-numeric last label. Such names could
 * otherwise match Host headers that local services, Caddy's admin API among them, accept.
 */
export function parsePublicHostname(field: string, raw: string): string {
	const host = parseHostname(field, raw);
	const labels = host.split('.');
	const base = labels[0] === '*' ? labels.slice(1) : labels;
	if (isIP(host) || /^\d+$/.test(labels[labels.length - 1])) {
		throw new InputError(
			field,
			`${quoted(host)} is an IP address; routes are published for DNS names`,
		);
	}
	if (base[base.length - 1] === 'localhost') {
		throw new InputError(field, `${quoted(host)} is a localhost name, not a public one`);
	}
	if (base.length < 2) {
		throw new InputError(
			field,
			`${quoted(host)} is a single-label name; give a full DNS name such as app.example.com`,
		);
	}
	return host;
}

/** Splits a comma/space/newline separated list, or takes an array as it is. */
export function toList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
	if (value === undefined || value === null) return [];
	return String(value)
		.split(/[\s,]+/)
		.map((v) => v.trim())
		.filter(Boolean);
}

export function parsePort(field: string, raw: string | number): number {
	const text = String(raw).trim();
	if (!/^\d{1,5}$/.test(text)) throw new InputError(field, `${quoted(text)} is not a port number`);
	const port = Number(text);
	if (port < 1 || port > 65535) throw new InputError(field, `port ${port} is outside 1-65535`);
	return port;
}

export interface HostPort {
	host: string;
	port: number;
	/** 4 or 6 for an IP literal, 0 for a host name. */
	ipVersion: 0 | 4 | 6;
}

/** `host:port`, `[v6]:port` or `v4:port`; no scheme, no path. */
export function parseHostPort(field: string, raw: string): HostPort {
	const text = raw.trim();
	if (/[\r\n\0\s]/.test(text))
		throw new InputError(field, `${quoted(text)} contains whitespace or control characters`);
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
		throw new InputError(
			field,
			`${quoted(text)}: give host:port without a scheme (switch on upstream TLS for HTTPS)`,
		);
	}
	const match = /^\[([0-9a-fA-F:.]+)\]:(.+)$/.exec(text) ?? /^([^:[\]]+):([^:]+)$/.exec(text);
	if (!match) throw new InputError(field, `${quoted(text)} is not host:port (IPv6 as [addr]:port)`);
	const port = parsePort(field, match[2]);
	const version = isIP(match[1]);
	if (version === 4 || version === 6)
		return { host: match[1].toLowerCase(), port, ipVersion: version };
	if (text.startsWith('['))
		throw new InputError(field, `${quoted(match[1])} is not an IPv6 address`);
	return { host: parseHostname(field, match[1], false), port, ipVersion: 0 };
}

export function formatHostPort({ host, port }: { host: string; port: number }): string {
	return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Matches a host against a list of exact names or `*.zone` patterns. */
export function hostMatchesPattern(host: string, pattern: string): boolean {
	const p = pattern.trim().toLowerCase().replace(/\.$/, '');
	if (p.startsWith('*.')) return host.endsWith(p.slice(1)) || host === p;
	return host === p;
}

export function assertNoControlChars(field: string, value: string): string {
	if (/[\r\n\0]/.test(value))
		throw new InputError(field, 'must not contain CR, LF or NUL characters');
	return value;
}
