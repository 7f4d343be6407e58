/**
 * workflows/provision-ingress.json in a real n8n (the packed package), through its form endpoint, against
 * a lab: the Vultr simulator whose instances are VPS twins, the real PowerDNS, the Tailscale simulator (the
 * tailscale CLI double in the twin) and a home service on the host that the twin reaches at a tailnet-range
 * address. Everything about the result is read from the twin and the servers, not from the workflow. Then
 * the same input again, from another workflow: nothing bought, nothing changed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import { Resolver } from 'node:dns/promises';
import { join } from 'node:path';

import { randomSecret, shippedWorkflows, type WorkflowJson } from '../../scripts/n8n-instance';
import {
	createTailscaleSimulator,
	TAILSCALE_OAUTH,
	type TailscaleSimulator,
} from '../simulators/tailscale';
import { createVultrSimulator, VULTR_API_KEY, type VultrSimulator } from '../simulators/vultr';
import { describeWithN8n, startTestN8n, type TestN8n } from '../support/n8n';
import { callerWorkflow } from '../support/n8nCaller';
import { startNtfy, type Ntfy } from '../support/ntfy';
import { startPowerDns, type PowerDns } from '../support/powerdns';
import { freePort } from '../support/process';
import { describeWithServer } from '../support/servers';
import { readableKeyPair } from '../support/sshKeys';
import type { Twin } from '../support/twin';
import { installLabCa, makeLabCa, type LabCa } from '../support/twin/caddyInternalCa';
import { vultrTwins, type VultrTwins } from '../support/twin/vultrTwins';

jest.setTimeout(600_000);

const PROVISION_ID = 'hliProvisionIng01';
const CALLER_ID = 'hliTestProvisCall';
const ZONE = 'example.test';
/** Home, as the VPS sees it over the tunnel: an address in the tailnet range, on the host's end of the twin's link. */
const HOME_TAILNET_IP = '100.64.77.1';
const HOME_PUBLIC_IP = '198.51.100.20';
const TAILSCALE_DOUBLE = readFileSync(
	join(__dirname, '../support/twin/tailscale-double.sh'),
	'utf8',
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field
type Out = Record<string, any>;

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
	}
	for (const name of ['Sync DNS', 'Verify DNS']) {
		const node = nodeNamed(copy, name);
		node.parameters.provider = 'powerdns';
		node.credentials = { powerDnsApi: { id: 'hliLabPowerDns01', name: 'PowerDNS (lab)' } };
	}
	(nodeNamed(copy, 'Wait Until Ready').parameters.readiness as Out).minimumBootSeconds = 0;
	(nodeNamed(copy, 'Harden').parameters.hardenOptions as Out).refreshPackageLists = false;
	nodeNamed(copy, 'Join Tailscale').parameters.tsInstall = 'present';
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

/** GET https://host/ through the twin's public address, trusting only the lab CA (SNI and Host = host). */
function httpsThrough(
	address: string,
	host: string,
	ca: string,
): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = request(
			{
				host: address,
				port: 443,
				servername: host,
				path: '/',
				headers: { Host: host },
				ca,
				timeout: 10_000,
			},
			(res) => {
				let body = '';
				res.on('data', (chunk: Buffer) => (body += chunk.toString()));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
			},
		);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', reject);
		req.end();
	});
}

describeWithN8n('provision-ingress in a real n8n', () => {
	describeWithServer('twin', 'against the lab (Vultr twins)', () => {
		describeWithServer('powerdns', 'with PowerDNS', () => {
			const formUser = 'provisioner';
			const formPassword = randomSecret();
			const hookToken = randomSecret();
			const userKey = readableKeyPair();
			let ca: LabCa;
			let lab: VultrTwins;
			let vultr: VultrSimulator;
			let tailscale: TailscaleSimulator;
			let pdns: PowerDns;
			let ntfy: Ntfy;
			let n8n: TestN8n;
			let home: Server | undefined;
			let homePort: number;

			const input = () => ({
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
			});
			const FORM_ORDER = [
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

			const submitForm = async (values: Record<string, string>, auth = true) => {
				const form = new FormData();
				FORM_ORDER.forEach((key, index) => form.append(`field-${index}`, values[key]));
				const basic = Buffer.from(`${formUser}:${formPassword}`).toString('base64');
				const response = await fetch(`${n8n.baseUrl}/form/provision-ingress`, {
					method: 'POST',
					body: form,
					headers: auth ? { Authorization: `Basic ${basic}` } : {},
					signal: AbortSignal.timeout(540_000),
				});
				return { status: response.status, text: await response.text() };
			};
			const callProvision = async (values: Record<string, string>) => {
				const response = await fetch(`${n8n.baseUrl}/webhook/test/provision`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${hookToken}` },
					body: JSON.stringify(values),
					signal: AbortSignal.timeout(540_000),
				});
				return { status: response.status, json: (await response.json()) as Out };
			};
			/** The home service, (re)bound to the tailnet address each new twin's link brings. */
			const listenHome = async () => {
				await new Promise<void>((resolve) => (home ? home.close(() => resolve()) : resolve()));
				home = createServer((req, res) => res.end(`hello from home: ${req.headers.host}`));
				await new Promise<void>((resolve, reject) => {
					home!.once('error', reject);
					home!.listen(homePort, HOME_TAILNET_IP, resolve);
				});
			};
			const purchases = () =>
				vultr.log.filter((entry) => entry.method === 'POST' && entry.path === '/instances');
			const onlyTwin = (): Twin => {
				expect(lab.twins.size).toBe(1);
				return [...lab.twins.values()][0];
			};

			beforeAll(async () => {
				ca = makeLabCa();
				homePort = await freePort();
				lab = vultrTwins({
					prepare: (rootfs) => {
						const double = join(rootfs, 'usr/local/bin/tailscale');
						writeFileSync(double, TAILSCALE_DOUBLE);
						chmodSync(double, 0o755);
						installLabCa(rootfs, ca);
					},
					onBoot: async (twin) => {
						// Home over the "tunnel": the host end of the twin's link also answers at a tailnet address.
						const link = sh('ip', [
							'-o',
							'-4',
							'addr',
							'show',
							'to',
							`${twin.hostAddress}/32`,
						]).split(/\s+/)[1];
						sh('ip', ['addr', 'add', `${HOME_TAILNET_IP}/32`, 'dev', link]);
						const routed = twin.exec(`ip route add ${HOME_TAILNET_IP}/32 via ${twin.hostAddress}`);
						if (routed.code !== 0) throw new Error(routed.stderr);
						await listenHome();
					},
				});
				vultr = createVultrSimulator({ bootMs: 2_000, backing: lab.backing });
				tailscale = createTailscaleSimulator();
				[pdns, ntfy] = await Promise.all([
					startPowerDns(),
					startNtfy(),
					vultr.listen(),
					tailscale.listen(),
				]);
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
							{
								id: 'hliTestHook01',
								name: 'Test webhook token',
							},
						),
					],
					publish: [PROVISION_ID, CALLER_ID],
				});
			}, 600_000);

			afterAll(async () => {
				await n8n?.stop();
				await vultr?.close();
				await new Promise<void>((resolve) => (home ? home.close(() => resolve()) : resolve()));
				await Promise.all([tailscale?.close(), pdns?.stop(), ntfy?.close()]);
			}, 120_000);

			it('refuses the form without its login', async () => {
				const { status } = await submitForm(input(), false);
				expect(status).toBe(401);
				expect(purchases()).toHaveLength(0);
			});

			it('refuses bad input before anything is bought, naming the field', async () => {
				const cases: Array<[Partial<Record<string, string>>, string]> = [
					[{ excludedHosts: `app.${ZONE}` }, 'Excluded Hosts'],
					[{ region: 'xyz' }, 'Region'],
					[{ plan: 'vhf-2c-4gb' }, 'Plan'],
					[{ services: `app.${ZONE} -> not a host` }, 'Services'],
				];
				for (const [change, field] of cases) {
					const { status, json } = await callProvision({ ...input(), ...change } as Record<
						string,
						string
					>);
					expect(status).toBe(200);
					expect(json).toMatchObject({ ok: false, details: { errorKind: 'input', field } });
				}
				expect(vultr.mutatingRequests()).toEqual([]);
				expect(lab.twins.size).toBe(0);
			});

			it('provisions a hardened, serving ingress from the form', async () => {
				const { status } = await submitForm(input());
				expect(status).toBe(200);
				expect(purchases()).toHaveLength(1);
				const twin = onlyTwin();

				const sshd = twin.exec('sshd -T').stdout;
				expect(sshd).toMatch(/^passwordauthentication no$/m);
				expect(sshd).toMatch(/^permitrootlogin without-password$/m);
				const ufw = twin.exec('ufw status').stdout;
				expect(ufw).toMatch(/Status: active/);
				expect(ufw).toMatch(/443\/tcp\s+ALLOW/);
				expect(twin.exec('sysctl -n net.ipv4.tcp_congestion_control').stdout.trim()).toBe('bbr');
				const routes = JSON.parse(
					twin.exec(
						"curl -fsS -H 'Origin: http://localhost:2019' http://localhost:2019/config/apps/http/servers/ingress/routes",
					).stdout,
				) as Out[];
				expect(routes.map((route) => route['@id']).sort()).toEqual([
					`homelab-ingress_app.${ZONE}@ingress`,
					`homelab-ingress_wiki.${ZONE}@ingress`,
				]);

				const resolver = new Resolver({ timeout: 2_000, tries: 1 });
				resolver.setServers([pdns.dnsServer]);
				expect(await resolver.resolve4(`app.${ZONE}`)).toEqual([twin.address]);
				expect(await resolver.resolve4(`media.${ZONE}`)).toEqual([HOME_PUBLIC_IP]);

				const answer = await httpsThrough(twin.address, `app.${ZONE}`, ca.rootPem);
				expect(answer).toEqual({ status: 200, body: `hello from home: app.${ZONE}` });

				expect(ntfy.received).toHaveLength(1);
				const summary = JSON.parse(ntfy.received[0].body) as Out;
				expect(summary).toMatchObject({
					ok: true,
					ipv4: twin.address,
					hostKeyFingerprint: twin.fingerprint,
					tailnetIpv4: '100.101.102.103',
					purchases: 1,
				});
				expect(summary.verification).toEqual([
					{ host: `app.${ZONE}`, dns: true, https: true, status: 200, problems: [] },
					{ host: `wiki.${ZONE}`, dns: true, https: true, status: 200, problems: [] },
					{ host: `media.${ZONE}`, dns: true, servedByVps: false },
				]);
				expect(JSON.stringify(summary)).not.toContain('PRIVATE KEY');
			});

			it('buys nothing and changes nothing when run again with the same input', async () => {
				const before = vultr.mutatingRequests().length;
				const { status, json } = await callProvision(input());
				expect(status).toBe(200);
				expect(json).toMatchObject({ ok: true, purchases: 0, changedSteps: [] });
				expect(Object.values(json.steps as Out).every((changed) => changed === false)).toBe(true);
				expect(vultr.mutatingRequests().length).toBe(before);
				expect(purchases()).toHaveLength(1);
				expect(lab.twins.size).toBe(1);
			});

			it('converges when a run is cut off in the middle: the SSH connection dropped during Harden', async () => {
				// One twin at a time: the first VPS goes (its twin stops with it).
				const [first] = lab.twins.keys();
				const deleted = await fetch(`${vultr.url}/instances/${first}`, {
					method: 'DELETE',
					headers: { Authorization: `Bearer ${VULTR_API_KEY}` },
					signal: AbortSignal.timeout(60_000),
				});
				expect(deleted.status).toBe(204);
				expect(lab.twins.size).toBe(0);
				const values = { ...input(), label: 'edge-resume' };
				const bought = () =>
					purchases().filter((entry) => (entry.body as Out).label === 'edge-resume');
				const notified = ntfy.received.length;

				const cut = submitForm(values);
				// The workflow's first SSH session on the new VPS is Harden's: drop it as soon as it is there.
				let dropped = '';
				const deadline = Date.now() + 240_000;
				while (!dropped && Date.now() < deadline) {
					const twin = [...lab.twins.values()][0];
					if (twin)
						dropped = twin
							.exec(
								'pids=$(pgrep -f \'^sshd: root@notty\'); [ -n "$pids" ] && kill -9 $pids && echo $pids',
							)
							.stdout.trim();
					if (!dropped) await new Promise((resolve) => setTimeout(resolve, 100));
				}
				expect(dropped).not.toBe('');
				expect((await cut).status).toBe(200);
				// The cut run ended in Report Failure: no summary was sent.
				expect(ntfy.received).toHaveLength(notified);
				expect(bought()).toHaveLength(1);

				const { status } = await submitForm(values);
				expect(status).toBe(200);
				expect(bought()).toHaveLength(1);
				const twin = onlyTwin();
				expect(ntfy.received).toHaveLength(notified + 1);
				const summary = JSON.parse(ntfy.received.at(-1)!.body) as Out;
				expect(summary).toMatchObject({ ok: true, purchases: 0, ipv4: twin.address });
				expect(twin.exec('sshd -T').stdout).toMatch(/^passwordauthentication no$/m);
				expect(twin.exec('ufw status').stdout).toMatch(/Status: active/);
				expect(await httpsThrough(twin.address, `app.${ZONE}`, ca.rootPem)).toEqual({
					status: 200,
					body: `hello from home: app.${ZONE}`,
				});
			});
		});
	});
});
