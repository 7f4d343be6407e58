import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { InputError, parseHostPort, parsePort, toList } from '../../../../lib/validation';
import { SERVER_NAME } from '../../helpers/parameters';
import { ensureAdminOrigins } from '../../helpers/adminOrigins';
import { adminBaseUrl, caddyRequest, readConfig, serverPath } from '../../transport';
import { quoted } from '../../../../lib/errors';

const displayOptions = { show: { resource: ['server'], operation: ['ensure'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Server Name',
		name: 'serverName',
		type: 'string',
		default: 'ingress',
		required: true,
		description: "Key of the HTTP server in Caddy's config (apps.http.servers)",
		hint: 'Route operations name it in Server; the workflows use "ingress"',
		displayOptions,
	},
	{
		displayName: 'Listen Addresses',
		name: 'listen',
		type: 'string',
		default: ':443',
		description: 'Comma-separated listener addresses, e.g. :443 or 127.0.0.1:8080',
		hint: ':443 on the VPS, or e.g. 127.0.0.1:8080 for a local test',
		displayOptions,
	},
	{
		displayName: 'Automatic HTTPS',
		name: 'automaticHttps',
		type: 'boolean',
		default: true,
		description:
			"Whether Caddy obtains certificates and redirects HTTP to HTTPS for the routes' host names. Turn off for a plain-HTTP listener (e.g. behind another TLS terminator).",
		displayOptions,
	},
	{
		displayName: 'TLS 1.3 Only',
		name: 'tls13Only',
		type: 'boolean',
		default: false,
		description:
			"Whether the server refuses clients older than TLS 1.3 (Caddy's connection policies). Also applied to an existing server; off leaves its policies as they are.",
		displayOptions,
	},
];

/** The server's TLS connection policies with TLS 1.3 as the minimum, or undefined when they have it. */
function tls13Policies(existing: IDataObject | null): IDataObject[] | undefined {
	const policies = Array.isArray(existing?.tls_connection_policies)
		? (existing?.tls_connection_policies as IDataObject[])
		: [];
	if (policies.length && policies.every((p) => p.protocol_min === 'tls1.3')) return undefined;
	return policies.length
		? policies.map((p) => ({ ...p, protocol_min: 'tls1.3' }))
		: [{ protocol_min: 'tls1.3' }];
}

function parseListen(raw: string): string[] {
	const listen = toList(raw);
	if (listen.length === 0)
		throw new InputError('Listen Addresses', 'at least one address is required');
	for (const address of listen) {
		if (address.startsWith(':')) parsePort('Listen Addresses', address.slice(1));
		else parseHostPort('Listen Addresses', address);
	}
	return listen;
}

/**
 * Creates the HTTP server block when it is absent (an existing server is reported, never changed), and
 * makes Caddy's admin endpoint enforce origins, so a request relayed through any site is refused by it.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const server = String(this.getNodeParameter('serverName', i)).trim();
		if (!SERVER_NAME.test(server)) {
			throw new InputError(
				'Server Name',
				`${quoted(server)} is not a server name (letters, digits, "-" and "_")`,
			);
		}
		const listen = parseListen(this.getNodeParameter('listen', i) as string);
		const automaticHttps = this.getNodeParameter('automaticHttps', i) as boolean;

		const tls13Only = this.getNodeParameter('tls13Only', i, false) as boolean;
		const serverResult = await ensureServer.call(this, server, listen, automaticHttps, tls13Only);
		const admin = await ensureAdminOrigins.call(this, await adminBaseUrl.call(this));
		return { server, ...serverResult, ...admin };
	});
}

async function ensureServer(
	this: IExecuteFunctions,
	server: string,
	listen: string[],
	automaticHttps: boolean,
	tls13Only: boolean,
): Promise<IDataObject> {
	const { value: existing } = await readConfig.call(this, serverPath(server));
	if (existing) {
		const policies = tls13Only ? tls13Policies(existing) : undefined;
		if (policies) {
			// PATCH replaces an existing list (POST would append to it); PUT creates a missing one.
			const method = Array.isArray(existing.tls_connection_policies) ? 'PATCH' : 'PUT';
			await caddyRequest.call(
				this,
				method,
				`/config/${serverPath(server)}/tls_connection_policies`,
				policies,
			);
		}
		return {
			created: false,
			listen: existing.listen ?? [],
			automaticHttps: !(existing.automatic_https as IDataObject)?.disable,
			tls13Only: tls13Only || tls13Policies(existing) === undefined,
			tlsChanged: policies !== undefined,
		};
	}
	const block: IDataObject = { listen, routes: [] };
	if (!automaticHttps) block.automatic_https = { disable: true };
	if (tls13Only) block.tls_connection_policies = tls13Policies(null);

	// Create only the levels that are missing, so other apps and servers stay exactly as they are.
	const { value: root } = await readConfig.call(this, '');
	const apps = root?.apps as IDataObject | undefined;
	const http = apps?.http as IDataObject | undefined;
	if (!root)
		await caddyRequest.call(this, 'POST', '/load', {
			apps: { http: { servers: { [server]: block } } },
		});
	else if (!apps)
		await caddyRequest.call(this, 'POST', '/config/apps', {
			http: { servers: { [server]: block } },
		});
	else if (!http)
		await caddyRequest.call(this, 'POST', '/config/apps/http', { servers: { [server]: block } });
	else if (!http.servers)
		await caddyRequest.call(this, 'POST', '/config/apps/http/servers', { [server]: block });
	else await caddyRequest.call(this, 'POST', `/config/${serverPath(server)}`, block);
	return { created: true, listen, automaticHttps, tls13Only, tlsChanged: tls13Only };
}
