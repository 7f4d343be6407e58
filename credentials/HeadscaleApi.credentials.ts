import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

export class HeadscaleApi implements ICredentialType {
	name = 'headscaleApi';

	displayName = 'Headscale API';

	icon: Icon = { light: 'file:headscale.svg', dark: 'file:headscale.dark.svg' };

	documentationUrl = 'https://headscale.net/stable/ref/remote-cli/';

	properties: INodeProperties[] = [
		{
			displayName:
				'On the Headscale server run <code>headscale apikeys create --expiration 90d</code> and paste the key it prints. <a href="https://headscale.net/stable/ref/remote-cli/">Headscale API key docs</a>',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Server URL',
			name: 'serverUrl',
			type: 'string',
			default: 'http://127.0.0.1:8080',
			placeholder: 'https://headscale.example.com',
			description: 'The Headscale server (without /api/v1)',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'From "headscale apikeys create --expiration 90d"',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.serverUrl.replace(/\\/+$/, "")}}',
			url: '/api/v1/user',
			method: 'GET',
		},
	};
}
