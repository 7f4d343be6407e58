import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

export class CloudflareDnsApi implements ICredentialType {
	name = 'cloudflareDnsApi';

	displayName = 'Cloudflare DNS API';

	icon: Icon = { light: 'file:cloudflare.svg', dark: 'file:cloudflare.dark.svg' };

	documentationUrl = 'https://developers.cloudflare.com/fundamentals/api/get-started/create-token/';

	properties: INodeProperties[] = [
		{
			displayName:
				'In the Cloudflare dashboard, My Profile → API Tokens → Create Token: Zone → DNS → Edit and Zone → Zone → Read, limited to your zones. <a href="https://developers.cloudflare.com/fundamentals/api/get-started/create-token/">How to create a token</a>',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'An API token with Zone → DNS → Edit (and Zone → Zone → Read for the zone list), scoped to the zones n8n may change. Not the global API key.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.cloudflare.com/client/v4',
			description: 'Change only for a proxy or a simulator',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/user/tokens/verify',
			method: 'GET',
		},
	};
}
