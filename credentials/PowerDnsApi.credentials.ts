import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

export class PowerDnsApi implements ICredentialType {
	name = 'powerDnsApi';

	displayName = 'PowerDNS API';

	icon: Icon = { light: 'file:powerdns.svg', dark: 'file:powerdns.dark.svg' };

	documentationUrl = 'https://doc.powerdns.com/authoritative/http-api/index.html';

	properties: INodeProperties[] = [
		{
			displayName:
				'Set <code>api=yes</code> and <code>api-key=…</code> in pdns.conf, with the webserver limited to n8n\'s address, and paste that key. <a href="https://doc.powerdns.com/authoritative/http-api/index.html">PowerDNS HTTP API docs</a>',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:8081',
			placeholder: 'http://127.0.0.1:8081',
			description:
				'The PowerDNS Authoritative webserver (webserver-address:webserver-port), without /api/v1',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The api-key from pdns.conf, sent as X-API-Key',
		},
		{
			displayName: 'Server ID',
			name: 'serverId',
			type: 'string',
			default: 'localhost',
			description:
				'The server in the API path (/api/v1/servers/<id>); "localhost" for a single PowerDNS',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-API-Key': '={{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '={{"/api/v1/servers/" + encodeURIComponent($credentials.serverId || "localhost")}}',
			method: 'GET',
		},
	};
}
