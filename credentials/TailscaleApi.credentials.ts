import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { RequestNotSentError } from '../lib/errors';
import { credentialSecrets, errorCodeOf, redactText, safeUrl } from '../lib/redact';

const TOKEN_TIMEOUT_MS = 15_000;
/** Renew a minute early so a token never expires mid-request. */
const RENEW_BEFORE_MS = 60_000;

/**
 * OAuth access tokens by client id and base URL. Only a cache: another process (queue-mode worker)
 * simply fetches its own token, so nothing depends on it surviving.
 */
const tokenCache = new Map<string, { token: string; expiresAt: number }>();

async function oauthToken(credentials: ICredentialDataDecryptedObject): Promise<string> {
	const baseUrl = String(credentials.baseUrl || 'https://api.tailscale.com/api/v2').replace(
		/\/+$/,
		'',
	);
	const clientId = String(credentials.clientId ?? '');
	const key = `${baseUrl} ${clientId}`;
	const cached = tokenCache.get(key);
	if (cached && cached.expiresAt - RENEW_BEFORE_MS > Date.now()) return cached.token;
	const url = `${baseUrl}/oauth/token`;
	let response: Response;
	try {
		response = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
			body: new URLSearchParams({
				client_id: clientId,
				client_secret: String(credentials.clientSecret ?? ''),
				grant_type: 'client_credentials',
			}),
			signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
		});
	} catch (error) {
		// fetch's own message can quote the whole URL, userinfo included.
		const code = errorCodeOf(error);
		throw new RequestNotSentError(
			`Tailscale OAuth token request to ${safeUrl(url)} failed${code ? ` (${code})` : ''}`,
		);
	}
	const body = (await response.json().catch(() => ({}))) as {
		access_token?: string;
		expires_in?: number;
		message?: string;
	};
	if (!response.ok || typeof body.access_token !== 'string' || !body.access_token) {
		// Tailscale's own words and the status, without the client secret a proxy may echo.
		const reason = redactText(body.message ?? 'no access token', credentialSecrets(credentials));
		throw new RequestNotSentError(
			`Tailscale OAuth token request failed (HTTP ${response.status}): ${reason}`,
			response.status,
		);
	}
	tokenCache.set(key, {
		token: body.access_token,
		expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000,
	});
	return body.access_token;
}

export class TailscaleApi implements ICredentialType {
	name = 'tailscaleApi';

	displayName = 'Tailscale API';

	icon: Icon = { light: 'file:tailscale.svg', dark: 'file:tailscale.dark.svg' };

	documentationUrl = 'https://tailscale.com/kb/1215/oauth-clients';

	properties: INodeProperties[] = [
		{
			displayName:
				'In the Tailscale admin console, Settings → OAuth clients: scopes auth_keys and devices:core, and the tags your servers use. Or an API access token from Settings → Keys (it expires). <a href="https://tailscale.com/kb/1215/oauth-clients">Tailscale OAuth client docs</a>',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{ name: 'OAuth Client (Recommended)', value: 'oauth' },
				{ name: 'API Access Token', value: 'apiToken' },
			],
			default: 'oauth',
			description:
				'An OAuth client does not expire and can be limited to scopes (auth_keys, devices:core) and tags',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			displayOptions: { show: { authType: ['oauth'] } },
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'tskey-client-…',
			displayOptions: { show: { authType: ['oauth'] } },
		},
		{
			displayName: 'API Access Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'tskey-api-…',
			displayOptions: { show: { authType: ['apiToken'] } },
		},
		{
			displayName: 'Tailnet',
			name: 'tailnet',
			type: 'string',
			default: '-',
			description:
				'"-" is the tailnet of the token or OAuth client, which is what you want almost always',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.tailscale.com/api/v2',
			description: 'Change only for a proxy or the local simulator',
		},
	];

	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		const token =
			credentials.authType === 'apiToken'
				? String(credentials.apiToken ?? '')
				: await oauthToken(credentials);
		return {
			...requestOptions,
			headers: { ...(requestOptions.headers ?? {}), Authorization: `Bearer ${token}` },
		};
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '={{"/tailnet/" + encodeURIComponent($credentials.tailnet || "-") + "/keys"}}',
			method: 'GET',
		},
	};
}
