import type {
	IDataObject,
	IExecuteFunctions,
	ICredentialsDecrypted,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { KindedError, quoted } from '../../../lib/errors';
import { credentialSecretsOf, redactText, safeUrl } from '../../../lib/redact';
import { backoffDelay } from '../../../lib/http-retry';
import { fnv1a } from '../helpers/fnv1a';
import {
	parseHealthGauges,
	parseUpstreamCounts,
	type UpstreamCounts,
} from '../helpers/upstreamHealth';
import { adminTarget } from './adminAccess';

type CaddyContext = IExecuteFunctions | ILoadOptionsFunctions;

const CREDENTIAL = 'caddyAdminApi';
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_CONFLICT_RETRIES = 40;

export interface CaddyResponse {
	status: number;
	body: Buffer;
	etag?: string;
}

/**
 * Caddy's config ETag: `"<path> <fnv-1a 32 hex of the GET body>"`. Caddy 2.6 sends it only as an HTTP
 * trailer, which HTTP clients drop, so it is computed from the body bytes; a header wins when present.
 */
export function computeEtag(path: string, body: Buffer): string {
	return `"${path} ${fnv1a(body).toString(16).padStart(8, '0')}"`;
}

interface AdminCredential {
	baseUrl: string;
	/** Handed to httpRequestWithAuthentication, which otherwise loads and decrypts it per request. */
	decrypted: ICredentialsDecrypted;
}

/** The credential per execution: n8n loads and decrypts a credential on every getCredentials call. */
const adminCredentials = new WeakMap<object, Promise<AdminCredential>>();

function adminCredential(this: CaddyContext): Promise<AdminCredential> {
	let credential = adminCredentials.get(this);
	if (!credential) {
		credential = readAdminCredential.call(this);
		adminCredentials.set(this, credential);
		credential.catch(() => adminCredentials.delete(this));
	}
	return credential;
}

export async function adminBaseUrl(this: CaddyContext): Promise<string> {
	return (await adminCredential.call(this)).baseUrl;
}

async function readAdminCredential(this: CaddyContext): Promise<AdminCredential> {
	const data = await this.getCredentials(CREDENTIAL);
	const baseUrl = String(data.baseUrl || 'http://localhost:2019').replace(/\/+$/, '');
	if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
		// Not echoed: a URL the user typed may carry a password.
		throw new NodeOperationError(
			this.getNode(),
			"The Caddy Admin API credential's URL is not an http:// or https:// URL",
		);
	}
	const { id, name } = this.getNode().credentials?.[CREDENTIAL] ?? { id: null, name: '' };
	return { baseUrl, decrypted: { id: id ?? '', name, type: CREDENTIAL, data } };
}

/** `scheme://host:port` of the admin URL: what Caddy compares with its allowed origins (no userinfo). */
export function adminOrigin(baseUrl: string): string {
	const url = new URL(baseUrl);
	return `${url.protocol}//${url.host}`;
}

/** Caddy's error text, without the credential's secrets a proxy in front of Caddy may echo. */
function caddyMessage(body: Buffer, secrets: string[]): string {
	const text = body.toString('utf8').trim();
	try {
		const parsed = JSON.parse(text) as { error?: string };
		if (parsed && typeof parsed.error === 'string') return redactText(parsed.error, secrets);
	} catch {
		// not JSON: Caddy (or a proxy in front of it) answered with plain text
	}
	return redactText(text, secrets).slice(0, 500) || 'empty response';
}

type RawResponse = { statusCode: number; body: unknown; headers: IDataObject };

const RESET_CODES = ['ECONNRESET', 'EPIPE', 'ECONNABORTED'];
const RESET_RETRIES = 5;

/**
 * A request that met a reset may or may not have landed; sending it again is safe only when landing
 * twice changes nothing: a GET, a write guarded by If-Match (a second landing is answered 412), or a
 * PATCH, which in Caddy's API replaces a value that exists. POST (appends to arrays), PUT (inserts)
 * and DELETE are not sent again.
 */
function safeToResend(options: IHttpRequestOptions): boolean {
	return options.method === 'GET' || options.method === 'PATCH' || !!options.headers?.['If-Match'];
}

/**
 * Caddy drops its admin connections when it reloads, which it does on every config change, so with
 * several executions (or queue-mode workers) changing routes at once a request can die with a reset.
 * Requests that are safe to repeat are sent again (see safeToResend).
 */
async function sendWithReconnect(
	this: CaddyContext,
	options: IHttpRequestOptions,
	credential: AdminCredential,
): Promise<RawResponse> {
	const adminUrl = credential.baseUrl;
	for (let attempt = 1; ; attempt++) {
		try {
			return (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL, options, {
				credentialsDecrypted: credential.decrypted,
			})) as RawResponse;
		} catch (error) {
			const reason = (error as { cause?: { code?: string }; code?: string }) ?? {};
			const code = reason.cause?.code ?? reason.code ?? '';
			const retryable = RESET_CODES.includes(code) && safeToResend(options);
			if (retryable && attempt < RESET_RETRIES) {
				// A moment for Caddy to finish the reload that dropped the connection.
				await sleep(backoffDelay(attempt, 20, 500));
				continue;
			}
			// A bare error object: given the original, n8n would replace our message with a generic one
			// (and keep the original, whose request holds the credential's header).
			throw new NodeApiError(this.getNode(), { error: code || 'connection failed' } as JsonObject, {
				message: `Caddy admin API unreachable at ${safeUrl(adminUrl)}${options.baseURL === adminUrl ? '' : ' (through SSH)'}`,
				description: `${code || 'Connection failed'}: check that Caddy runs with its admin API enabled and that the credential URL points at it.`,
			});
		}
	}
}

/** One request to the admin API. Network failures and error statuses become NodeApiError with Caddy's words. */
export async function caddyRequest(
	this: CaddyContext,
	method: IHttpRequestMethods,
	path: string,
	body?: unknown,
	headers: IDataObject = {},
	allowStatus: number[] = [],
): Promise<CaddyResponse> {
	const credential = await adminCredential.call(this);
	const adminUrl = credential.baseUrl;
	const { baseURL, headers: tunnelHeaders } = await adminTarget(this, adminUrl);
	const options: IHttpRequestOptions = {
		method,
		baseURL,
		url: path,
		// Caddy's admin endpoint with enforce_origin (set by Ensure Server) refuses requests without it.
		headers: {
			Origin: adminOrigin(adminUrl),
			...tunnelHeaders,
			...headers,
		},
		encoding: 'arraybuffer',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: false,
		timeout: REQUEST_TIMEOUT_MS,
		disableFollowRedirect: true,
	};
	if (body !== undefined) {
		options.body = typeof body === 'string' ? body : JSON.stringify(body);
		options.headers!['Content-Type'] =
			typeof body === 'string' ? 'text/caddyfile' : 'application/json';
	}
	if ('getExecutionCancelSignal' in this) options.abortSignal = this.getExecutionCancelSignal();

	const response = await sendWithReconnect.call(this, options, credential);
	const raw = response.body;
	const bytes = Buffer.isBuffer(raw)
		? raw
		: raw instanceof ArrayBuffer
			? Buffer.from(raw)
			: Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw ?? ''));
	const status = response.statusCode;
	if (status >= 400 && !allowStatus.includes(status)) {
		const message = caddyMessage(bytes, await credentialSecretsOf(this, [CREDENTIAL]));
		throw new NodeApiError(this.getNode(), { error: message } as JsonObject, {
			message: `Caddy: ${message}`,
			httpCode: String(status),
		});
	}
	const etagHeader = response.headers?.etag;
	return { status, body: bytes, etag: typeof etagHeader === 'string' ? etagHeader : undefined };
}

/**
 * A body of the admin API as JSON. Anything else means the credential's URL leads somewhere that is
 * not Caddy's admin API (a site, or a login page in front of it): an upstream error, not a crash.
 */
export function adminJson(this: CaddyContext, body: Buffer, path: string): unknown {
	try {
		return JSON.parse(body.toString('utf8') || 'null');
	} catch {
		throw new NodeApiError(this.getNode(), { error: 'not JSON' } as JsonObject, {
			message: `Caddy answered ${path} with something that is not JSON`,
			description:
				"Check that the credential URL points at Caddy's admin API, not at a site or a proxy in front of it.",
		});
	}
}

export interface ConfigSnapshot {
	value: IDataObject | null;
	etag: string;
}

/** Reads config at `path` (under /config/) together with the ETag that guards a later change. */
export async function readConfig(this: CaddyContext, path: string): Promise<ConfigSnapshot> {
	const url = `/config/${path}`;
	// A GET answers 400 only when a parent of the path is missing ("invalid traversal path"): absent.
	const response = await caddyRequest.call(this, 'GET', url, undefined, {}, [400]);
	const value = (
		response.status === 400 ? null : adminJson.call(this, response.body, url)
	) as IDataObject | null;
	return { value, etag: response.etag ?? computeEtag(url, response.body) };
}

/** The routes array of one HTTP server (empty when the server or its routes are absent). */
export async function readServerRoutes(this: CaddyContext, server: string): Promise<IDataObject[]> {
	const { value } = await readConfig.call(this, `${serverPath(server)}/routes`);
	return Array.isArray(value) ? (value as IDataObject[]) : [];
}

export function serverPath(server: string): string {
	return `apps/http/servers/${encodeURIComponent(server)}`;
}

export interface RoutesChange {
	/** The server's new routes array, or undefined to leave Caddy untouched. */
	next?: IDataObject[];
	/** What the operation reports back, whether or not it wrote. */
	result: IDataObject;
}

const SERVERS_PATH = 'apps/http/servers';

/**
 * Read-modify-write of one HTTP server's routes as a single admin-API change (one Caddy reload),
 * guarded by If-Match on all servers' config. A concurrent change makes Caddy answer 412; the config is
 * then re-read and `change` re-applied, so parallel executions never overwrite each other.
 */
export async function changeRoutes(
	this: IExecuteFunctions,
	server: string,
	change: (routes: IDataObject[]) => RoutesChange,
): Promise<IDataObject & { changed: boolean }> {
	for (let attempt = 1; ; attempt++) {
		const snapshot = await readConfig.call(this, SERVERS_PATH);
		const current = snapshot.value?.[server] as IDataObject | undefined;
		if (!current) {
			throw new KindedError(
				'upstream',
				`Caddy has no HTTP server named ${quoted(server)}; run Server → Ensure first (or pick the server that holds your sites)`,
			);
		}
		const routes = Array.isArray(current.routes) ? (current.routes as IDataObject[]) : [];
		const { next, result } = change(structuredClone(routes));
		if (!next) return { ...result, changed: false };
		const response = await caddyRequest.call(
			this,
			'PATCH',
			`/config/${serverPath(server)}`,
			{ ...current, routes: next },
			{ 'If-Match': snapshot.etag },
			[412],
		);
		if (response.status !== 412) return { ...result, changed: true };
		if (attempt >= MAX_CONFLICT_RETRIES) {
			throw new NodeApiError(
				this.getNode(),
				{ error: 'config changed concurrently' } as JsonObject,
				{
					message: `Caddy config kept changing under us; gave up after ${attempt} attempts`,
					httpCode: '412',
				},
			);
		}
		await sleep(backoffDelay(attempt, 20, 1000));
	}
}

/** The bytes Caddy answers for `/id/<id><below>`, or undefined when it knows no such id. */
export async function readByIdRaw(
	this: IExecuteFunctions,
	id: string,
	below = '',
): Promise<Buffer | undefined> {
	const response = await caddyRequest.call(
		this,
		'GET',
		`/id/${encodeURIComponent(id)}${below}`,
		undefined,
		{},
		[404],
	);
	return response.status === 404 ? undefined : response.body;
}

/** The object carrying `"@id": id`, or undefined when Caddy knows no such id. */
export async function readById(
	this: IExecuteFunctions,
	id: string,
): Promise<IDataObject | undefined> {
	const body = await readByIdRaw.call(this, id);
	return body && (adminJson.call(this, body, `/id/${id}`) as IDataObject | undefined);
}

/**
 * What Caddy knows of its upstreams: the counts of `GET /reverse_proxy/upstreams` and the health
 * gauges of `GET /metrics` (both documented admin endpoints), by dial address.
 */
export async function readUpstreamStatus(
	this: IExecuteFunctions,
): Promise<{ counts: Map<string, UpstreamCounts>; gauges: Map<string, boolean> }> {
	const upstreams = await caddyRequest.call(this, 'GET', '/reverse_proxy/upstreams');
	const metrics = await caddyRequest.call(this, 'GET', '/metrics');
	return {
		counts: parseUpstreamCounts(adminJson.call(this, upstreams.body, '/reverse_proxy/upstreams')),
		gauges: parseHealthGauges(metrics.body.toString('utf8')),
	};
}
