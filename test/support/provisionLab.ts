/**
 * The lab that workflows/provision-ingress.json runs against (its end-to-end test and its benchmark): a
 * real n8n with the packed package, the Vultr simulator whose instances are VPS twins, the real PowerDNS,
 * the Tailscale and Headscale simulators (the tailscale CLI double in each twin), an ntfy recorder, and a home service on
 * the host that each twin reaches at a tailnet-range address over its link. The workflow runs as shipped
 * except for what the lab needs (see labCopy); a test-only workflow calls it as another workflow would.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

import { randomSecret, shippedWorkflows, type WorkflowJson } from '../../scripts/n8n-instance';
import type { LoggedRequest } from '../simulators/core/server';
import {
	createHeadscaleSimulator,
	HEADSCALE_API_KEY,
	type HeadscaleSimulator,
} from '../simulators/headscale';
import {
	createTailscaleSimulator,
	TAILSCALE_OAUTH,
	type TailscaleSimulator,
} from '../simulators/tailscale';
import { createVultrSimulator, VULTR_API_KEY, type VultrSimulator } from '../simulators/vultr';
import { startTestN8n, type TestN8n } from './n8n';
import { callerWorkflow } from './n8nCaller';
import { startNtfy, type Ntfy } from './ntfy';
import { startPowerDns, type PowerDns } from './powerdns';
import { freePort } from './process';
import { readableKeyPair } from './sshKeys';
import { installLabCa, makeLabCa, type LabCa } from './twin/caddyInternalCa';
import { vultrTwins, type VultrTwins } from './twin/vultrTwins';

export const PROVISION_ID = 'hliProvisionIng01';
const CALLER_ID = 'hliTestProvisCall';
export const ZONE = 'example.test';
/** Home, as the VPS sees it over the tunnel: a tailnet-range address on the host's end of the twin's link. */
export const HOME_TAILNET_IP = '100.64.77.1';
export const HOME_PUBLIC_IP = '198.51.100.20';
/** A user the Headscale simulator knows. */
export const HEADSCALE_USER = 'alice';
const TAILSCALE_DOUBLE = readFileSync(join(__dirname, 'twin/tailscale-double.sh'), 'utf8');
/** The form's fields in their order on the form (they are posted as field-0, field-1, …). */
export const FORM_ORDER = [
	'region',
	'plan',
	'os',
	'label',
	'sshPublicKey',
	'domain',
	'services',
	'excludedHosts',
	'homeIp',
	'tunnel',
	'adminCidr',
] as const;
const RUN_TIMEOUT_MS = 540_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field
export type Out = Record<string, any>;

function nodeNamed(workflow: WorkflowJson, name: string): WorkflowJson['nodes'][number] {
	const found = workflow.nodes.find((node) => node.name === name);
	if (!found) throw new Error(`${workflow.name} has no node ${name}`);
	return found;
}

/**
 * The shipped workflow with what a user fills in after import, and the lab's differences: PowerDNS as
 * the DNS provider, packages from the twin's own rootfs (no mirror), a boot of seconds, and the lab CA.
 */
function labCopy(ntfyUrl: string, dnsServer: string, caPem: string): WorkflowJson {
	const shipped = shippedWorkflows().find((workflow) => workflow.id === PROVISION_ID);
	if (!shipped) throw new Error(`workflows/ has no workflow with id ${PROVISION_ID}`);
	const copy = structuredClone(shipped);
	const settings = nodeNamed(copy, 'Provision Settings').parameters as Out;
	for (const assignment of settings.assignments.assignments) {
		if (assignment.name === 'ntfyUrl') assignment.value = ntfyUrl;
		if (assignment.name === 'dnsCheckServer') assignment.value = dnsServer;
		if (assignment.name === 'headscaleUser') assignment.value = HEADSCALE_USER;
	}
	for (const name of ['Sync DNS', 'Verify DNS']) {
		const node = nodeNamed(copy, name);
		node.parameters.provider = 'powerdns';
		node.credentials = { powerDnsApi: { id: 'hliLabPowerDns01', name: 'PowerDNS (lab)' } };
	}
	(nodeNamed(copy, 'Wait Until Ready').parameters.readiness as Out).minimumBootSeconds = 0;
	(nodeNamed(copy, 'Harden').parameters.hardenOptions as Out).refreshPackageLists = false;
	for (const name of ['Join Tailscale', 'Join Headscale'])
		nodeNamed(copy, name).parameters.tsInstall = 'present';
	nodeNamed(copy, 'Install Caddy').parameters.caddyInstall = 'distribution';
	Object.assign(nodeNamed(copy, 'Verify Routes').parameters, {
		trustedCaPem: caPem,
		minDaysLeft: 0,
	});
	return copy;
}

function sh(command: string, args: string[]): string {
	const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
	return result.stdout;
}

export interface ProvisionLab {
	n8n: TestN8n;
	vultr: VultrSimulator;
	tailscale: TailscaleSimulator;
	headscale: HeadscaleSimulator;
	pdns: PowerDns;
	ntfy: Ntfy;
	twins: VultrTwins;
	ca: LabCa;
	/** The login of the provision form (its basic-auth credential). */
	formLogin: { user: string; password: string };
	/** The form's fields for a VPS serving two hosts from home and one excluded host. */
	input(): Record<string, string>;
	/** POSTs the form (with its basic-auth login unless `auth` is false); answers when the run is done. */
	submitForm(values: Record<string, string>, auth?: boolean): Promise<{ status: number }>;
	/** Runs the workflow from another workflow and returns its last item. */
	callProvision(values: Record<string, string>): Promise<{ status: number; json: Out }>;
	/** The instance creations the Vultr simulator received. */
	purchases(): LoggedRequest[];
	stop(): Promise<void>;
}

export async function startProvisionLab(): Promise<ProvisionLab> {
	const formUser = 'provisioner';
	const formPassword = randomSecret();
	const hookToken = randomSecret();
	const userKey = readableKeyPair();
	const ca = makeLabCa();
	const homePort = await freePort();
	let home: Server | undefined;
	/** The home service, (re)bound to the tailnet address each new twin's link brings. */
	const listenHome = async () => {
		await new Promise<void>((resolve) => (home ? home.close(() => resolve()) : resolve()));
		home = createServer((req, res) => res.end(`hello from home: ${req.headers.host}`));
		await new Promise<void>((resolve, reject) => {
			home!.once('error', reject);
			home!.listen(homePort, HOME_TAILNET_IP, resolve);
		});
	};
	const twins = vultrTwins({
		prepare: (rootfs) => {
			const double = join(rootfs, 'usr/local/bin/tailscale');
			writeFileSync(double, TAILSCALE_DOUBLE);
			chmodSync(double, 0o755);
			installLabCa(rootfs, ca);
		},
		onBoot: async (twin) => {
			// Home over the "tunnel": the host end of the twin's link also answers at a tailnet address.
			const link = sh('ip', ['-o', '-4', 'addr', 'show', 'to', `${twin.hostAddress}/32`]).split(
				/\s+/,
			)[1];
			sh('ip', ['addr', 'add', `${HOME_TAILNET_IP}/32`, 'dev', link]);
			const routed = twin.exec(`ip route add ${HOME_TAILNET_IP}/32 via ${twin.hostAddress}`);
			if (routed.code !== 0) throw new Error(routed.stderr);
			await listenHome();
		},
	});
	const vultr = createVultrSimulator({ bootMs: 2_000, backing: twins.backing });
	const tailscale = createTailscaleSimulator();
	const headscale = createHeadscaleSimulator({ version: '0.28' });
	const [pdns, ntfy] = await Promise.all([
		startPowerDns(),
		startNtfy(),
		vultr.listen(),
		tailscale.listen(),
		headscale.listen(),
	]);
	const stopServers = async () => {
		await vultr.close();
		await new Promise<void>((resolve) => (home ? home.close(() => resolve()) : resolve()));
		await Promise.all([tailscale.close(), headscale.close(), pdns.stop(), ntfy.close()]);
	};
	let n8n: TestN8n;
	try {
		await pdns.createZone(ZONE);
		n8n = await startTestN8n({
			credentials: [
				{
					id: 'hliProvisionForm1',
					name: 'Provision form login',
					type: 'httpBasicAuth',
					data: { user: formUser, password: formPassword },
				},
				{
					id: 'hliTestHook01',
					name: 'Test webhook token',
					type: 'httpHeaderAuth',
					data: { name: 'Authorization', value: `Bearer ${hookToken}` },
				},
				{
					id: 'hliVultrApi01',
					name: 'Vultr account',
					type: 'vultrApi',
					data: { apiKey: VULTR_API_KEY, baseUrl: vultr.url },
				},
				{
					id: 'hliNewVpsSsh01',
					name: 'New VPS SSH (root, your private key)',
					type: 'homelabSshApi',
					// Host and fingerprint come from Create in the workflow.
					data: {
						host: '192.0.2.1',
						port: '22',
						username: 'root',
						privateKey: userKey.private,
						hostKeyFingerprint: '',
					},
				},
				{
					id: 'hliVpsCaddyLocal1',
					name: 'Caddy admin API on the VPS (localhost)',
					type: 'caddyAdminApi',
					data: { baseUrl: 'http://localhost:2019' },
				},
				{
					id: 'hliTailscaleApi01',
					name: 'Tailscale API',
					type: 'tailscaleApi',
					data: {
						authType: 'oauth',
						clientId: TAILSCALE_OAUTH.clientId,
						clientSecret: TAILSCALE_OAUTH.clientSecret,
						tailnet: '-',
						baseUrl: tailscale.url,
					},
				},
				{
					id: 'hliHeadscaleApi01',
					name: 'Headscale API',
					type: 'headscaleApi',
					data: { serverUrl: headscale.url, apiKey: HEADSCALE_API_KEY },
				},
				{
					id: 'hliLabPowerDns01',
					name: 'PowerDNS (lab)',
					type: 'powerDnsApi',
					data: { baseUrl: pdns.apiUrl, apiKey: pdns.apiKey, serverId: 'localhost' },
				},
			],
			workflows: [
				labCopy(ntfy.url, pdns.dnsServer, ca.rootPem),
				callerWorkflow(
					CALLER_ID,
					{ provision: PROVISION_ID },
					{ id: 'hliTestHook01', name: 'Test webhook token' },
				),
			],
			publish: [PROVISION_ID, CALLER_ID],
		});
	} catch (error) {
		await stopServers();
		throw error;
	}

	return {
		n8n,
		vultr,
		tailscale,
		headscale,
		pdns,
		ntfy,
		twins,
		ca,
		formLogin: { user: formUser, password: formPassword },
		input: () => ({
			region: 'fra',
			plan: 'vhf-1c-1gb',
			os: 'Ubuntu 24.04 LTS x64',
			label: 'edge-lab',
			sshPublicKey: userKey.public,
			domain: ZONE,
			services: `app.${ZONE} -> ${HOME_TAILNET_IP}:${homePort}\nwiki.${ZONE} -> ${HOME_TAILNET_IP}:${homePort}`,
			excludedHosts: `media.${ZONE}`,
			homeIp: HOME_PUBLIC_IP,
			tunnel: 'tailscale',
			// The lab's test range: n8n reaches the twin from its host end.
			adminCidr: '198.18.0.0/15',
		}),
		async submitForm(values, auth = true) {
			const form = new FormData();
			FORM_ORDER.forEach((key, index) => form.append(`field-${index}`, values[key]));
			const basic = Buffer.from(`${formUser}:${formPassword}`).toString('base64');
			const response = await fetch(`${n8n.baseUrl}/form/provision-ingress`, {
				method: 'POST',
				body: form,
				headers: auth ? { Authorization: `Basic ${basic}` } : {},
				signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
			});
			await response.text();
			return { status: response.status };
		},
		async callProvision(values) {
			const response = await fetch(`${n8n.baseUrl}/webhook/test/provision`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${hookToken}` },
				body: JSON.stringify(values),
				signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
			});
			return { status: response.status, json: (await response.json()) as Out };
		},
		purchases: () =>
			vultr.log.filter((entry) => entry.method === 'POST' && entry.path === '/instances'),
		async stop() {
			await n8n.stop();
			await stopServers();
		},
	};
}
