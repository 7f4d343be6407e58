import type { IDataObject } from 'n8n-workflow';

import { quoted } from '../../../lib/errors';
import { parseNetworks } from '../../../lib/net';
import { InputError, parseHostPort, formatHostPort } from '../../../lib/validation';
import type { PinnedUpstream } from './upstreamGuard';
import {
	basicAuthHandlers,
	parseBasicAuth,
	parseBasicAuthHandler,
	type BasicAuthInput,
	type BasicAuthSpec,
} from './basicAuth';
import { asArray, asObject } from './caddyJson';
import { listOf, parsePathMatcher, textOf } from './routeInput';

/** Who may reach a route: checked by Caddy before the request goes home. */
export interface AccessSpec {
	/** CIDRs allowed to reach the route (empty: everyone not denied). */
	ipAllow: string[];
	/** CIDRs answered 403. */
	ipDeny: string[];
	/** Forward auth to an identity-aware proxy (Authentik outpost, Authelia, …). */
	forwardAuth?: ForwardAuthSpec;
	/** HTTP basic auth with one account (bcrypt). */
	basicAuth?: BasicAuthSpec;
	/** Paths that skip authentication (they carry their own, e.g. an API token). */
	authBypassPaths: string[];
}

export interface ForwardAuthSpec {
	/** `host:port` of the auth endpoint, checked like an upstream. */
	upstream: string;
	/** Path (and query) the auth server verifies requests at, e.g. /api/verify?rd=… */
	uri: string;
	/** Response headers of the auth server copied onto the request that goes home. */
	copyHeaders: string[];
}

/** The access options of a route request, as they arrive. */
export interface AccessInput extends BasicAuthInput {
	ipAllow?: unknown;
	ipDeny?: unknown;
	forwardAuthUpstream?: unknown;
	forwardAuthUri?: unknown;
	forwardAuthCopyHeaders?: unknown;
	authBypassPaths?: unknown;
}

export const ACCESS_LIMITS = { cidrs: 100, headers: 20, bypassPaths: 20, uri: 1024 };

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
const URI = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/;

function cidrList(field: string, entries: string[]): string[] {
	const networks = parseNetworks(field, entries.join(','));
	return networks.cidrs.map((c) => `${c.address}/${c.prefix}`);
}

/** Reads the access options of a route request; all checks that need no network. */
export function parseAccess(input: AccessInput): AccessSpec | undefined {
	const ipAllow = cidrList(
		'IP Allow List',
		listOf('IP Allow List', input.ipAllow, ACCESS_LIMITS.cidrs),
	);
	const ipDeny = cidrList(
		'IP Deny List',
		listOf('IP Deny List', input.ipDeny, ACCESS_LIMITS.cidrs),
	);
	const authBypassPaths = listOf(
		'Auth Bypass Paths',
		input.authBypassPaths,
		ACCESS_LIMITS.bypassPaths,
	).flatMap((path) => parsePathMatcher('Auth Bypass Paths', path) ?? []);
	const upstreamText = textOf('Forward Auth Endpoint', input.forwardAuthUpstream, 300).trim();
	let forwardAuth: ForwardAuthSpec | undefined;
	if (upstreamText) {
		const uri = textOf('Forward Auth URI', input.forwardAuthUri, ACCESS_LIMITS.uri).trim() || '/';
		if (!URI.test(uri)) {
			throw new InputError(
				'Forward Auth URI',
				`${quoted(uri)} must be a path, with an optional query`,
			);
		}
		const copyHeaders = listOf(
			'Forward Auth Copy Headers',
			input.forwardAuthCopyHeaders,
			ACCESS_LIMITS.headers,
		).map((name) => {
			if (!HEADER_NAME.test(name)) {
				throw new InputError('Forward Auth Copy Headers', `${quoted(name)} is not a header name`);
			}
			return name;
		});
		forwardAuth = {
			upstream: formatHostPort(parseHostPort('Forward Auth Endpoint', upstreamText)),
			uri,
			copyHeaders,
		};
	}
	const basicAuth = parseBasicAuth(input);
	if (basicAuth && forwardAuth) {
		// Two logins in a row would ask every visitor twice, and the auth server never sees who passed.
		throw new InputError(
			'Basic Auth User',
			'and Forward Auth Endpoint are exclusive: a route has one kind of login',
		);
	}
	if (authBypassPaths.length && !forwardAuth && !basicAuth) {
		throw new InputError(
			'Auth Bypass Paths',
			'only apply to a login; set a Forward Auth Endpoint or a Basic Auth User',
		);
	}
	if (!ipAllow.length && !ipDeny.length && !forwardAuth && !basicAuth) return undefined;
	return {
		ipAllow,
		ipDeny,
		authBypassPaths,
		...(forwardAuth ? { forwardAuth } : {}),
		...(basicAuth ? { basicAuth } : {}),
	};
}

const forbidden = (match: IDataObject[]): IDataObject => ({
	match,
	handle: [
		{
			handler: 'static_response',
			status_code: 403,
			headers: { 'Content-Type': ['text/plain; charset=utf-8'] },
			body: 'Forbidden\n',
		},
	],
});

/**
 * The access checks of a route as one subroute placed before the proxy: it answers 403 to denied
 * addresses, and sends other requests (except bypassed paths) to the auth server first, or asks
 * them for the basic-auth login. Requests it
 * lets through fall through to the proxy. Headers the auth server vouches for are first removed from
 * the visitor's request, so a visitor can never send them itself (not even on a bypassed path).
 */
export function buildAccessHandler(access: AccessSpec, authPins: PinnedUpstream[]): IDataObject {
	const routes: IDataObject[] = [];
	if (access.ipDeny.length) routes.push(forbidden([{ remote_ip: { ranges: access.ipDeny } }]));
	if (access.ipAllow.length) {
		routes.push(forbidden([{ not: [{ remote_ip: { ranges: access.ipAllow } }] }]));
	}
	const auth = access.forwardAuth;
	if (auth) {
		if (auth.copyHeaders.length) {
			routes.push({ handle: [{ handler: 'headers', request: { delete: auth.copyHeaders } }] });
		}
		const copy = Object.fromEntries(
			auth.copyHeaders.map((name) => [name, [`{http.reverse_proxy.header.${name}}`]]),
		);
		const check: IDataObject = {
			handle: [
				{
					handler: 'reverse_proxy',
					upstreams: [...new Set(authPins.flatMap((pin) => pin.dials))].map((dial) => ({ dial })),
					rewrite: { method: 'GET', uri: auth.uri },
					headers: {
						request: {
							set: {
								'X-Forwarded-Method': ['{http.request.method}'],
								'X-Forwarded-Uri': ['{http.request.uri}'],
							},
						},
					},
					// A 2xx lets the request through (with the copied headers); any other answer of the
					// auth server (401, a redirect to its login page) is what the visitor gets.
					handle_response: [
						{
							match: { status_code: [2] },
							routes: auth.copyHeaders.length
								? [{ handle: [{ handler: 'headers', request: { set: copy } }] }]
								: [],
						},
					],
				},
			],
		};
		if (access.authBypassPaths.length) {
			check.match = [{ not: [{ path: access.authBypassPaths }] }];
		}
		routes.push(check);
	}
	if (access.basicAuth) {
		const login: IDataObject = { handle: basicAuthHandlers(access.basicAuth) };
		if (access.authBypassPaths.length) {
			login.match = [{ not: [{ path: access.authBypassPaths }] }];
		}
		routes.push(login);
	}
	return { handler: 'subroute', routes };
}

/** Reads the access subroute back into the options it was built from (given upstream names aside). */
export function parseAccessHandler(handler: IDataObject, authUpstream?: string): AccessSpec {
	const access: AccessSpec = { ipAllow: [], ipDeny: [], authBypassPaths: [] };
	for (const route of asArray(handler.routes)) {
		const match = asObject(asArray(route.match)[0]);
		const first = asObject(asArray(route.handle)[0]);
		if (first.handler === 'static_response') {
			const denied = asObject(match.remote_ip).ranges;
			const allowed = asObject(asObject(asArray(match.not)[0]).remote_ip).ranges;
			if (Array.isArray(denied)) access.ipDeny = denied.map(String);
			if (Array.isArray(allowed)) access.ipAllow = allowed.map(String);
		}
		if (first.handler === 'authentication') {
			const bypass = asObject(asArray(match.not)[0]).path;
			access.authBypassPaths = Array.isArray(bypass) ? bypass.map(String) : [];
			access.basicAuth = parseBasicAuthHandler(first);
		}
		if (first.handler === 'reverse_proxy') {
			const headers = asObject(
				asObject(asArray(asObject(asArray(first.handle_response)[0]).routes)[0]),
			);
			const set = asObject(asObject(asObject(asArray(headers.handle)[0]).request).set);
			const bypass = asObject(asArray(match.not)[0]).path;
			access.authBypassPaths = Array.isArray(bypass) ? bypass.map(String) : [];
			access.forwardAuth = {
				upstream: authUpstream ?? String(asObject(asArray(first.upstreams)[0]).dial ?? ''),
				uri: String(asObject(first.rewrite).uri ?? '/'),
				copyHeaders: Object.keys(set),
			};
		}
	}
	return access;
}
