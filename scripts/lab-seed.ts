/**
 * What the lab imports into its n8n: credentials named "… (lab)" pointed at the lab's Caddy and
 * simulators (the route workflows reference theirs by id, so the ids are the shipped ones), every shipped
 * workflow, and one lab-only workflow that creates Caddy's `ingress` server with the package's own
 * Server → Ensure. The lab's copy of the publish workflow may publish the home service; the shipped file
 * is never changed.
 */
import { HEADSCALE_API_KEY } from '../test/simulators/headscale';
import { TAILSCALE_OAUTH } from '../test/simulators/tailscale';
import { VULTR_API_KEY } from '../test/simulators/vultr';
import { CLOUDFLARE_TOKEN } from '../test/simulators/cloudflare';
import {
	CADDY_CREDENTIAL,
	DNS_CREDENTIAL,
	WEBHOOK_CREDENTIAL,
	type CredentialSeed,
	type WorkflowJson,
} from './n8n-instance';
import type { Simulators } from './lab-services';

const PACKAGE = 'n8n-nodes-homelab-ingress';
const CADDY_ROUTE_TYPE = `${PACKAGE}.caddyRoute`;
export const PUBLISH_ROUTE_ID = 'hliPublishRoute01';
export const ENSURE_SERVER_ID = 'hliLabCaddySrv01';
export const ENSURE_SERVER_PATH = 'lab/caddy-server';
/** The Caddy server the route workflows publish into. */
export const INGRESS_SERVER = 'ingress';

const LAB_NAMES = {
	caddy: 'Caddy admin API (lab)',
	webhook: 'Ingress webhook token (lab)',
	dns: 'DNS provider (lab)',
};

export interface LabEndpoints {
	caddyAdminUrl: string;
	/** Where Caddy's `ingress` server listens, `127.0.0.1:<port>`. */
	ingressListen: string;
	/** The home service's address, the only upstream the lab's publish workflow allows. */
	homeAddress: string;
	simulators: Simulators;
}

export function labCredentials(endpoints: LabEndpoints, webhookToken: string): CredentialSeed[] {
	const { simulators } = endpoints;
	return [
		{ ...CADDY_CREDENTIAL, name: LAB_NAMES.caddy, data: { baseUrl: endpoints.caddyAdminUrl } },
		{
			...WEBHOOK_CREDENTIAL,
			name: LAB_NAMES.webhook,
			data: { name: 'Authorization', value: `Bearer ${webhookToken}` },
		},
		{
			...DNS_CREDENTIAL,
			name: LAB_NAMES.dns,
			data: { baseUrl: simulators.cloudflareUrl, apiToken: CLOUDFLARE_TOKEN },
		},
		{
			id: 'hliLabVultrApi01',
			name: 'Vultr API (lab)',
			type: 'vultrApi',
			data: { apiKey: VULTR_API_KEY, baseUrl: simulators.vultrUrl },
		},
		{
			id: 'hliLabTailscale1',
			name: 'Tailscale API (lab)',
			type: 'tailscaleApi',
			data: {
				authType: 'oauth',
				clientId: TAILSCALE_OAUTH.clientId,
				clientSecret: TAILSCALE_OAUTH.clientSecret,
				tailnet: '-',
				baseUrl: simulators.tailscaleUrl,
			},
		},
		{
			id: 'hliLabHeadscale1',
			name: 'Headscale API (lab)',
			type: 'headscaleApi',
			data: { serverUrl: simulators.headscaleUrl, apiKey: HEADSCALE_API_KEY },
		},
	];
}

/** The home service's address alone, as a network: `127.0.0.1/32` for `127.0.0.1:<port>`. */
export function homeNetwork(homeAddress: string): string {
	return `${homeAddress.slice(0, homeAddress.lastIndexOf(':'))}/32`;
}

/**
 * The lab's copy of the publish workflow: its Caddy node allows exactly the home service's address
 * (a /32) and loopback upstreams, the two switches a one-machine lab needs. Everything else is as shipped.
 */
export function allowHomeUpstream(publishRoute: WorkflowJson, homeAddress: string): WorkflowJson {
	const copy = structuredClone(publishRoute);
	const caddyNodes = copy.nodes.filter((node) => node.type === CADDY_ROUTE_TYPE);
	if (caddyNodes.length !== 1)
		throw new Error(`${copy.name} has ${caddyNodes.length} Caddy Route nodes, expected 1`);
	caddyNodes[0].parameters.allowedNetworks = homeNetwork(homeAddress);
	caddyNodes[0].parameters.allowLoopback = true;
	return copy;
}

/** Lab only: a webhook that runs Caddy Route's Server → Ensure against the lab Caddy. */
export function ensureServerWorkflow(ingressListen: string): WorkflowJson {
	return {
		id: ENSURE_SERVER_ID,
		name: 'Lab: ensure the Caddy ingress server',
		nodes: [
			{
				id: '6f1f8a52-3c1e-4b8e-9a3c-5d7e2b1c0a01',
				name: 'Lab Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: '6f1f8a52-3c1e-4b8e-9a3c-5d7e2b1c0a02',
				parameters: {
					httpMethod: 'POST',
					path: ENSURE_SERVER_PATH,
					authentication: 'headerAuth',
					responseMode: 'lastNode',
					options: {},
				},
				credentials: {
					httpHeaderAuth: { id: WEBHOOK_CREDENTIAL.id, name: LAB_NAMES.webhook },
				},
			},
			{
				id: '6f1f8a52-3c1e-4b8e-9a3c-5d7e2b1c0a03',
				name: 'Ensure Server',
				type: CADDY_ROUTE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				notes: 'Plain HTTP on loopback: the lab has no public name to get a certificate for.',
				parameters: {
					resource: 'server',
					operation: 'ensure',
					serverName: INGRESS_SERVER,
					listen: ingressListen,
					automaticHttps: false,
				},
				credentials: {
					caddyAdminApi: { id: CADDY_CREDENTIAL.id, name: LAB_NAMES.caddy },
				},
			},
		],
		connections: {
			'Lab Start': { main: [[{ node: 'Ensure Server', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

/** The shipped workflows with the lab's publish copy in place, plus the lab's ensure workflow. */
export function labWorkflows(shipped: WorkflowJson[], endpoints: LabEndpoints): WorkflowJson[] {
	if (!shipped.some((workflow) => workflow.id === PUBLISH_ROUTE_ID))
		throw new Error(`workflows/ has no workflow with id ${PUBLISH_ROUTE_ID}`);
	return [
		...shipped.map((workflow) =>
			workflow.id === PUBLISH_ROUTE_ID
				? allowHomeUpstream(workflow, endpoints.homeAddress)
				: workflow,
		),
		ensureServerWorkflow(endpoints.ingressListen),
	];
}
