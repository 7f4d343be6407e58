import type { INodeProperties } from 'n8n-workflow';

export const serverField: INodeProperties = {
	displayName: 'Server',
	name: 'server',
	type: 'resourceLocator',
	default: { mode: 'name', value: 'ingress' },
	description: 'The Caddy HTTP server (a key of apps.http.servers) that holds the routes',
	hint: 'Must exist: create it once with Caddy Route → Server → Ensure',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchServers', searchable: true },
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'ingress',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^[A-Za-z0-9_-]{1,64}$',
						errorMessage: 'Letters, digits, "-" and "_" only',
					},
				},
			],
		},
	],
};

export const hostsField: INodeProperties = {
	displayName: 'Hostnames',
	name: 'hosts',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'app.example.com',
	description:
		'Public DNS name(s) of the route, comma-separated (at most 100). The first one names the route. A wildcard is allowed only as the whole leftmost label (*.example.com); IP addresses, localhost and single-label names are refused.',
	hint: 'Public names only, e.g. app.example.com or *.example.com',
};

export const upstreamsField: INodeProperties = {
	displayName: 'Upstreams',
	name: 'upstreams',
	type: 'string',
	default: '',
	required: true,
	placeholder: '100.64.0.5:8080',
	description:
		'Where requests go, as host:port (IPv6 as [addr]:port), comma-separated for load balancing. A name is resolved by the node and Caddy dials the checked addresses.',
	hint: 'e.g. 100.64.0.5:8080; must be in Allowed Upstream Networks',
};

export const routeOptionsField: INodeProperties = {
	displayName: 'Route Options',
	name: 'routeOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Auth Bypass Paths',
			name: 'authBypassPaths',
			type: 'string',
			default: '',
			placeholder: '/api/*, /.well-known/*',
			description:
				'Paths that skip the login (forward auth or basic auth; comma-separated Caddy path matchers), e.g. an API that checks its own token',
		},
		{
			displayName: 'Basic Auth Hash',
			name: 'basicAuthHash',
			type: 'string',
			default: '',
			placeholder: '$2b$12$…',
			description:
				'Bcrypt hash of the password (caddy hash-password, htpasswd -B; cost 10–14). Instead of Basic Auth Password.',
		},
		{
			displayName: 'Basic Auth Password',
			name: 'basicAuthPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'8–72 bytes. The node writes only a bcrypt hash of it to Caddy; a re-run with the same password changes nothing.',
		},
		{
			displayName: 'Basic Auth User',
			name: 'basicAuthUser',
			type: 'string',
			default: '',
			placeholder: 'family',
			description:
				'Visitors must log in with this user (letters, digits, . _ @ + -) and the password or hash below. Not with forward auth.',
		},
		{
			displayName: 'Forward Auth Copy Headers',
			name: 'forwardAuthCopyHeaders',
			type: 'string',
			default: '',
			placeholder: 'Remote-User, Remote-Groups',
			description:
				"Headers of the auth server's answer copied onto the request that goes home. A visitor's own copies are always removed.",
		},
		{
			displayName: 'Forward Auth Endpoint',
			name: 'forwardAuthUpstream',
			type: 'string',
			default: '',
			placeholder: '100.64.0.9:9000',
			description:
				'Host:port of an identity-aware proxy (Authentik outpost, Authelia, …) that must answer 2xx before a request goes home. Checked like an upstream (allowed networks).',
		},
		{
			displayName: 'Forward Auth URI',
			name: 'forwardAuthUri',
			type: 'string',
			default: '',
			placeholder: '/outpost.goauthentik.io/auth/caddy',
			description:
				'Path (and query) the auth server verifies at; Authelia: /api/verify?rd=https://auth.example.com',
		},
		{
			displayName: 'Health Check Interval',
			name: 'healthCheckInterval',
			type: 'string',
			default: '30s',
			description: 'How often the active health check runs (1s to 1h, e.g. 10s, 1m)',
		},
		{
			displayName: 'Health Check Timeout',
			name: 'healthCheckTimeout',
			type: 'string',
			default: '5s',
			description:
				'How long one health check may take (1s–60s, at most the interval); a slower answer counts as down',
		},
		{
			displayName: 'Health Check URI',
			name: 'healthCheckUri',
			type: 'string',
			default: '',
			placeholder: '/health',
			description:
				'Path that Caddy requests on each upstream; an upstream that fails it gets no traffic',
		},
		{
			displayName: 'HSTS',
			name: 'hsts',
			type: 'boolean',
			default: true,
			description: 'Whether to send Strict-Transport-Security (one year, subdomains included)',
		},
		{
			displayName: 'IP Allow List',
			name: 'ipAllow',
			type: 'string',
			default: '',
			placeholder: '100.64.0.0/10, 203.0.113.0/24',
			description:
				'Only these CIDRs may reach the route; others get 403. Empty: everyone not denied.',
		},
		{
			displayName: 'IP Deny List',
			name: 'ipDeny',
			type: 'string',
			default: '',
			placeholder: '198.51.100.0/24',
			description: 'CIDRs that get 403 from the edge',
		},
		{
			displayName: 'Load Balancing Policy',
			name: 'lbPolicy',
			type: 'options',
			default: 'round_robin',
			options: [
				{ name: 'First Available', value: 'first' },
				{ name: 'IP Hash', value: 'ip_hash' },
				{ name: 'Least Connections', value: 'least_conn' },
				{ name: 'Random', value: 'random' },
				{ name: 'Round Robin', value: 'round_robin' },
				{ name: 'URI Hash', value: 'uri_hash' },
			],
			description: 'How Caddy picks an upstream when there are several',
		},
		{
			displayName: 'Offline Message',
			name: 'offlineMessage',
			type: 'string',
			default: '',
			displayOptions: { show: { offlinePage: [true] } },
			description: 'Text of the offline page; a sensible default is used when empty',
		},
		{
			displayName: 'Offline Page',
			name: 'offlinePage',
			type: 'boolean',
			default: false,
			description:
				'Whether to answer 503 with a clear "home is offline" page when no upstream answers, instead of a bare 502',
		},
		{
			displayName: 'Path',
			name: 'path',
			type: 'string',
			default: '',
			placeholder: '/api/*',
			description: 'Only requests whose path matches go to this route (Caddy path matcher)',
		},
		{
			displayName: 'Security Headers',
			name: 'securityHeaders',
			type: 'boolean',
			default: true,
			description: 'Whether to send X-Content-Type-Options, X-Frame-Options and Referrer-Policy',
		},
		{
			displayName: 'Send Upstream Name as Host',
			name: 'upstreamHostHeader',
			type: 'boolean',
			default: false,
			description:
				"Whether to send the upstream's DNS name (host:port as given) as the Host header instead of the visitor's host; needs exactly one upstream given by name",
		},
		{
			displayName: 'TLS CA Certificate',
			name: 'tlsCaPem',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			description:
				"PEM certificate(s) that the upstream's certificate must chain to (e.g. a home CA)",
		},
		{
			displayName: 'TLS Server Name',
			name: 'tlsServerName',
			type: 'string',
			default: '',
			placeholder: 'app.home.arpa',
			description:
				'SNI name sent to the upstream and the name its certificate must carry (switches upstream TLS on)',
		},
		{
			displayName: 'Upstream TLS',
			name: 'upstreamTls',
			type: 'boolean',
			default: false,
			description: 'Whether to speak HTTPS to the upstream, verifying its certificate',
		},
	],
};

/**
 * Settings that bound what incoming data may publish. Each is fixed in the node: expressions are
 * refused at run time as well (lib/fixedParameter.ts), so webhook data can never widen them.
 */
export const safetyFields: INodeProperties[] = [
	{
		displayName: 'Allowed Upstream Networks',
		name: 'allowedNetworks',
		type: 'string',
		default: '100.64.0.0/10, fd7a:115c:a1e0::/48',
		noDataExpression: true,
		placeholder: '100.64.0.0/10, fd7a:115c:a1e0::/48, 10.0.0.0/24',
		description:
			'CIDRs every upstream address must fall in (names are resolved by the node and pinned). The default is the tailnet; add your WireGuard or LAN subnets. Loopback, link-local/metadata and the admin API stay refused even inside a listed range.',
		hint: 'Fixed in the node: webhook data can never widen it',
	},
	{
		displayName: 'Allow Loopback Upstreams',
		name: 'allowLoopback',
		type: 'boolean',
		default: false,
		noDataExpression: true,
		description:
			'Whether loopback upstreams (127.0.0.0/8, ::1) may be accepted: they must also be listed in Allowed Upstream Networks (e.g. 127.0.0.1/32), and the admin API never is. Fixed in the node (no expressions).',
		hint: 'Labs only; also add 127.0.0.1/32 to Allowed Upstream Networks',
	},
	{
		displayName: 'Adopt Unmanaged Hosts',
		name: 'adoptUnmanaged',
		type: 'boolean',
		default: false,
		noDataExpression: true,
		description:
			'Whether a route may take over a host that a route this node did not create already serves. Off: such a host is refused (a conflict).',
		hint: 'Off unless a hand-made Caddy route should come under this node',
	},
	{
		displayName: 'Excluded Hosts',
		name: 'excludedHosts',
		type: 'string',
		default: '',
		placeholder: 'media.example.com, *.direct.example.com',
		description:
			'Host names that must never be routed through this Caddy (for example a media server that DNS points straight home)',
	},
];

/** How the admin API is reached: directly, or through SSH to the VPS (where it stays on localhost). */
export const adminAccessFields: INodeProperties[] = [
	{
		displayName: 'Admin API Access',
		name: 'adminAccess',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Direct',
				value: 'direct',
				description: "Connect to the Caddy credential's Admin API URL from n8n",
			},
			{
				name: 'Through SSH',
				value: 'ssh',
				description:
					"Tunnel over SSH (pinned host key) to the VPS and reach the credential's admin URL from there",
			},
		],
		default: 'direct',
		description: 'Fixed in the node (no expressions)',
		hint: 'Through SSH when n8n is not on the VPS and the API is on localhost',
	},
	{
		displayName: 'SSH Connection',
		name: 'sshConnection',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { adminAccess: ['ssh'] } },
		description:
			'Overrides of the SSH credential; all items of one execution must name the same server',
		options: [
			{
				displayName: 'Host',
				name: 'host',
				type: 'string',
				default: '',
				placeholder: '={{ $json.mainIp }}',
				description:
					"Overrides the SSH credential's host, e.g. the address of a server just created",
			},
			{
				displayName: 'Host Key Fingerprint',
				name: 'hostKeyFingerprint',
				type: 'string',
				default: '',
				placeholder: 'SHA256:…',
				description: "Overrides the SSH credential's pinned fingerprint",
			},
		],
	},
];
