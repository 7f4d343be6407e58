import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/** PostgreSQL for the Heartbeat node's queue; tested by the node (a real connection), not over HTTP. */
export class HomelabPostgresApi implements ICredentialType {
	name = 'homelabPostgresApi';

	displayName = 'Homelab PostgreSQL API';

	icon: Icon = { light: 'file:postgres.svg', dark: 'file:postgres.dark.svg' };

	documentationUrl = 'https://www.postgresql.org/docs/current/libpq-connect.html';

	properties: INodeProperties[] = [
		{
			displayName:
				'Only for Heartbeat nodes set to Storage: PostgreSQL. The user needs to create tables in the schema below (or the schema itself). <a href="https://www.postgresql.org/docs/current/libpq-connect.html">PostgreSQL connection docs</a>',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 5432,
		},
		{
			displayName: 'Database',
			name: 'database',
			type: 'string',
			default: 'n8n',
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: 'n8n',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'options',
			options: [
				{ name: 'Disable', value: 'disable' },
				{ name: 'Require (No Certificate Check)', value: 'require' },
				{ name: 'Verify Full', value: 'verifyFull' },
			],
			default: 'disable',
			description: 'Use Verify Full when the server is reached over an untrusted network',
		},
		{
			displayName: 'CA Certificate',
			name: 'caCertificate',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			description:
				'PEM certificate of the CA that signed the server certificate; empty for the system CAs',
			displayOptions: { show: { ssl: ['verifyFull'] } },
		},
		{
			displayName: 'Schema',
			name: 'schema',
			type: 'string',
			default: 'public',
			description: 'Schema that holds the heartbeat and queue tables; created when missing',
		},
	];
}
