import type {
	IAuthenticate,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

export class CaddyAdminApi implements ICredentialType {
	name = 'caddyAdminApi';

	displayName = 'Caddy Admin API';

	icon: Icon = { light: 'file:caddy.svg', dark: 'file:caddy.dark.svg' };

	documentationUrl = 'https://caddyserver.com/docs/api';

	properties: INodeProperties[] = [
		{
			displayName:
				'Caddy\'s admin API needs no key: on the VPS it listens on localhost:2019. Keep it there or on the tunnel, never public. Fill the two auth fields only for a proxy in front of it. <a href="https://caddyserver.com/docs/api">Caddy admin API docs</a>',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Admin API URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://localhost:2019',
			placeholder: 'http://localhost:2019',
			description:
				"Where Caddy's admin API listens. Keep it on localhost or behind the tunnel: anyone who reaches it controls the proxy.",
		},
		{
			displayName: 'Auth Header Name',
			name: 'headerName',
			type: 'string',
			default: '',
			placeholder: 'Authorization',
			description:
				'Only when the admin API sits behind an authenticating proxy: the header that proxy expects. Leave empty for a plain Caddy admin endpoint.',
		},
		{
			displayName: 'Auth Header Value',
			name: 'headerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { hide: { headerName: [''] } },
		},
	];

	// A function rather than a generic header map: the header is optional and its name is user-chosen.
	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		const name = String(credentials.headerName ?? '').trim();
		if (!name) return requestOptions;
		return {
			...requestOptions,
			headers: {
				...(requestOptions.headers ?? {}),
				[name]: String(credentials.headerSecret ?? ''),
			},
		};
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/config/',
			method: 'GET',
			// Caddy with enforce_origin (set by the node's Ensure Server) needs the admin URL's origin.
			headers: {
				Origin:
					'={{$credentials.baseUrl.replace(/^([a-z][a-z0-9+.-]*:\\/\\/)(?:[^@\\/?#]*@)?([^\\/?#]*).*$/i, "$1$2")}}',
			},
		},
	};
}
