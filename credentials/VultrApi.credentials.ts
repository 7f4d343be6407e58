import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

export class VultrApi implements ICredentialType {
	name = 'vultrApi';

	displayName = 'Vultr API';

	icon: Icon = { light: 'file:vultr.svg', dark: 'file:vultr.dark.svg' };

	documentationUrl = 'https://www.vultr.com/api/#section/Authentication';

	properties: INodeProperties[] = [
		{
			displayName:
				'In the Vultr customer portal, Account → API: enable the API, copy the key and allow only the IP address n8n calls from. <a href="https://www.vultr.com/api/#section/Authentication">Vultr API docs</a>',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Personal access token from Account → API. Restrict it to the IP n8n calls from.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.vultr.com/v2',
			description: 'Change only for a proxy or the local simulator',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/account',
			method: 'GET',
		},
	};
}
