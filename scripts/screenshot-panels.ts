/**
 * What scripts/screenshots.ts opens to picture each node's panel: one throw-away workflow (never written
 * to workflows/) holding the six nodes, each set up for the operation a newcomer meets first, and the
 * credentials they show. Vultr and Tailscale point at the loopback simulators, so the dropdowns fill
 * without any account.
 */
import type { CredentialSeed, WorkflowJson } from './n8n-instance';

const PACKAGE = 'n8n-nodes-homelab-ingress';

interface Panel {
	/** The node's name in the panel workflow. */
	node: string;
	/** The PNG written to docs/images/. */
	file: string;
	type: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

const credential = (type: string, id: string, name: string) => ({ [type]: { id, name } });

export const PANELS: Panel[] = [
	{
		node: 'Caddy Route',
		file: 'panel-caddy-route.png',
		type: `${PACKAGE}.caddyRoute`,
		parameters: {
			resource: 'route',
			operation: 'upsert',
			server: { __rl: true, mode: 'name', value: 'ingress' },
			hosts: 'app.example.com',
			upstreams: '100.64.0.5:8080',
		},
		credentials: credential('caddyAdminApi', 'hliCaddyAdmin01', 'Caddy admin API (VPS)'),
	},
	{
		node: 'DNS Record',
		file: 'panel-dns-record.png',
		type: `${PACKAGE}.dnsRecord`,
		parameters: {
			provider: 'cloudflare',
			resource: 'record',
			operation: 'upsert',
			zone: { __rl: true, mode: 'name', value: 'example.com' },
			name: 'app',
			content: '203.0.113.10',
		},
		credentials: credential('cloudflareDnsApi', 'hliDnsCloudflare1', 'DNS provider (Cloudflare)'),
	},
	{
		node: 'Heartbeat',
		file: 'panel-heartbeat.png',
		type: `${PACKAGE}.heartbeat`,
		parameters: {
			resource: 'source',
			operation: 'recordBeat',
			source: 'home',
			baseUrl: 'http://100.64.0.2:8080',
		},
	},
	{
		node: 'SSH Setup',
		file: 'panel-ssh-setup.png',
		type: `${PACKAGE}.sshSetup`,
		parameters: { operation: 'harden' },
		credentials: credential('homelabSshApi', 'hliShotsSsh00001', 'VPS root (SSH)'),
	},
	{
		node: 'Tailscale Key',
		file: 'panel-tailscale-key.png',
		type: `${PACKAGE}.tailscaleKey`,
		parameters: {
			backend: 'tailscale',
			resource: 'authKey',
			operation: 'create',
			tags: 'tag:ingress',
		},
		credentials: credential('tailscaleApi', 'hliShotsTailnet1', 'Tailscale (simulator)'),
	},
	{
		node: 'Vultr Instance',
		file: 'panel-vultr-instance.png',
		type: `${PACKAGE}.vultrInstance`,
		parameters: {
			resource: 'instance',
			operation: 'create',
			region: 'fra',
			plan: 'vhf-1c-1gb',
			osId: 2284,
			label: 'ingress-1',
		},
		credentials: credential('vultrApi', 'hliShotsVultr001', 'Vultr (simulator)'),
	},
];

export function panelWorkflow(): WorkflowJson {
	return {
		id: 'hliShotsPanels01',
		name: 'Node panels (screenshots)',
		nodes: PANELS.map((panel, index) => ({
			id: `panel-${index}`,
			name: panel.node,
			type: panel.type,
			typeVersion: 1,
			position: [index * 220, 0],
			parameters: panel.parameters,
			...(panel.credentials ? { credentials: panel.credentials } : {}),
		})),
		connections: {},
	};
}

/** The credential forms pictured: each says at the top where its key comes from. */
export const CREDENTIAL_FORMS = [
	{ id: 'hliCaddyAdmin01', file: 'credential-caddy-admin-api.png' },
	{ id: 'hliDnsCloudflare1', file: 'credential-cloudflare-dns-api.png' },
	{ id: 'hliShotsVultr001', file: 'credential-vultr-api.png' },
	{ id: 'hliShotsTailnet1', file: 'credential-tailscale-api.png' },
];

/** The credentials the panels show besides the route workflows' ones; none of them reaches a real service. */
export function panelCredentials(
	closedPortUrl: string,
	simulators: {
		vultr: { baseUrl: string; apiKey: string };
		tailscale: { baseUrl: string; clientId: string; clientSecret: string };
	},
): CredentialSeed[] {
	const closed = new URL(closedPortUrl);
	return [
		{
			id: 'hliShotsVultr001',
			name: 'Vultr (simulator)',
			type: 'vultrApi',
			data: simulators.vultr,
		},
		{
			id: 'hliShotsTailnet1',
			name: 'Tailscale (simulator)',
			type: 'tailscaleApi',
			data: {
				authType: 'oauth',
				clientId: simulators.tailscale.clientId,
				clientSecret: simulators.tailscale.clientSecret,
				tailnet: '-',
				baseUrl: simulators.tailscale.baseUrl,
			},
		},
		{
			id: 'hliShotsSsh00001',
			name: 'VPS root (SSH)',
			type: 'homelabSshApi',
			// n8n tests a credential when its form opens: this one would reach nothing but a closed loopback port.
			data: { host: closed.hostname, port: closed.port, username: 'root', privateKey: '' },
		},
	];
}
