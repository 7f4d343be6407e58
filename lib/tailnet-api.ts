/**
 * Tailscale API v2 and Headscale API calls shared by the Tailscale Key node (key management) and the
 * SSH Setup node (which mints a join key inside the node so it never appears in workflow data).
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import {
	listIn,
	objectIn,
	restRequest,
	restRequestOrFail,
	unexpectedAnswer,
	type RestContext,
} from './rest-request';
import { InputError, toList } from './validation';
import { quoted } from './errors';

export interface TailscaleSettings {
	baseURL: string;
	tailnet: string;
	oauth: boolean;
}

export async function tailscaleSettings(this: IExecuteFunctions): Promise<TailscaleSettings> {
	const credentials = await this.getCredentials<{
		baseUrl?: string;
		tailnet?: string;
		authType?: string;
	}>('tailscaleApi');
	return {
		baseURL: String(credentials.baseUrl || 'https://api.tailscale.com/api/v2').replace(/\/+$/, ''),
		tailnet: encodeURIComponent(String(credentials.tailnet || '-')),
		oauth: credentials.authType !== 'apiToken',
	};
}

/** Service names in messages. */
const TAILSCALE = 'Tailscale';
const HEADSCALE = 'Headscale';

const messageOf = (body: unknown) => {
	const message = body && typeof body === 'object' ? (body as IDataObject).message : undefined;
	return typeof message === 'string' ? message : undefined;
};

/** A Tailscale API call (`{"message"}` errors). Creating a key is the one unsafe call. */
export async function tailscaleRequest(
	this: IExecuteFunctions,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: IDataObject; qs?: IDataObject; safe?: boolean } = {},
): Promise<IDataObject> {
	const { baseURL } = await tailscaleSettings.call(this);
	return await restRequestOrFail.call(this, {
		service: TAILSCALE,
		credential: 'tailscaleApi',
		method,
		baseURL,
		url: path,
		...options,
		errorMessage: messageOf,
	});
}

/** The list `key` of a Tailscale GET (`{"devices": […]}`). */
export async function tailscaleList(
	this: IExecuteFunctions,
	path: string,
	key: string,
): Promise<IDataObject[]> {
	const body = await tailscaleRequest.call(this, 'GET', path);
	return listIn(this, { service: TAILSCALE, method: 'GET', url: path }, body, key);
}

export async function headscaleServerUrl(this: IExecuteFunctions): Promise<string> {
	const credentials = await this.getCredentials<{ serverUrl?: string }>('headscaleApi');
	return String(credentials.serverUrl ?? '').replace(/\/+$/, '');
}

/** A Headscale call (gRPC-gateway: `{"code","message"}` errors, or text/plain "Unauthorized"). */
export async function headscaleRequest(
	this: IExecuteFunctions,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: IDataObject; qs?: IDataObject; safe?: boolean; allowNotFound?: boolean } = {},
): Promise<IDataObject> {
	const baseURL = await headscaleServerUrl.call(this);
	return await restRequest.call(this, {
		service: HEADSCALE,
		credential: 'headscaleApi',
		method,
		baseURL,
		url: path,
		...options,
		errorMessage: messageOf,
	});
}

/** The list `key` of a Headscale GET (`{"nodes": […]}`). */
export async function headscaleList(
	this: IExecuteFunctions,
	path: string,
	key: string,
	qs?: IDataObject,
): Promise<IDataObject[]> {
	const body = await headscaleRequest.call(this, 'GET', path, { qs });
	return listIn(this, { service: HEADSCALE, method: 'GET', url: path }, body, key);
}

const TAG = /^tag:[a-z0-9][a-z0-9-]{0,62}$/i;

export function parseAclTags(field: string, raw: unknown): string[] {
	return [...new Set(toList(raw))].map((tag) => {
		if (!TAG.test(tag))
			throw new InputError(
				field,
				`${quoted(tag)} is not an ACL tag (tag:name, letters, digits and "-")`,
			);
		return tag;
	});
}

export interface AuthKeyCapabilities {
	reusable: boolean;
	ephemeral: boolean;
	preauthorized: boolean;
	tags: string[];
}

/** Mints a Tailscale auth key; the answer carries the key value (once). */
export async function createTailscaleAuthKey(
	this: IExecuteFunctions,
	create: AuthKeyCapabilities,
	expirySeconds: number,
	description?: string,
): Promise<IDataObject> {
	const { tailnet } = await tailscaleSettings.call(this);
	const body: IDataObject = { capabilities: { devices: { create: { ...create } } }, expirySeconds };
	if (description) body.description = description;
	const path = `/tailnet/${tailnet}/keys`;
	const answer = await tailscaleRequest.call(this, 'POST', path, { body });
	return withKey(this, { service: TAILSCALE, method: 'POST', url: path }, answer);
}

/** A minted key as answered; without its value the answer is of no use to anyone. */
function withKey(
	context: RestContext,
	request: { service: string; method: 'POST'; url: string },
	key: IDataObject,
): IDataObject {
	if (typeof key.key === 'string' && key.key) return key;
	throw unexpectedAnswer(context, request, 'no key value');
}

const HEADSCALE_USER = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,62}$/;

export function parseHeadscaleUserName(field: string, raw: unknown): string {
	const text = String(raw ?? '').trim();
	if (!HEADSCALE_USER.test(text))
		throw new InputError(field, `${quoted(text)} is not a Headscale user name`);
	return text;
}

/** Headscale v0.26+ takes the numeric user id where people use the user's name. */
export async function headscaleUserId(this: IExecuteFunctions, name: string): Promise<string> {
	const users = await headscaleList.call(this, '/api/v1/user', 'users', { name });
	const user = users.find((u) => u.name === name);
	if (!user) throw new InputError('User', `no Headscale user is called ${quoted(name)}`);
	return String(user.id);
}

/**
 * Creates a Headscale pre-auth key. The expiration is always sent: through the API a missing one
 * becomes the zero time and the key is born expired.
 */
export async function createHeadscalePreAuthKey(
	this: IExecuteFunctions,
	options: {
		userName?: string;
		aclTags: string[];
		reusable: boolean;
		ephemeral: boolean;
		expirySeconds: number;
	},
): Promise<IDataObject> {
	const body: IDataObject = {
		reusable: options.reusable,
		ephemeral: options.ephemeral,
		expiration: new Date(Date.now() + options.expirySeconds * 1000).toISOString(),
		aclTags: options.aclTags,
	};
	if (options.userName) body.user = await headscaleUserId.call(this, options.userName);
	const request = { service: HEADSCALE, method: 'POST' as const, url: '/api/v1/preauthkey' };
	const answer = await headscaleRequest.call(this, 'POST', request.url, { body });
	return withKey(this, request, objectIn(this, request, answer, 'preAuthKey'));
}
