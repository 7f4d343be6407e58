/**
 * `npm start` (run by scripts/start.sh): the lab. A local n8n with the freshly packed package, every
 * exported workflow imported (those started only by webhooks also published) and credentials "(lab)"; beside
 * it a local Caddy playing the VPS, whose `ingress` server the package's own Server → Ensure creates, the
 * cloud API simulators and a home service (scripts/lab-services.ts), all on fixed loopback ports. Data stays
 * in a persistent folder outside the checkout. In the foreground until Ctrl-C, which stops everything it
 * started by PID.
 *
 * Usage: local-instance.ts <n8n bin> <instance folder>
 * Environment: N8N_PORT (5678), N8N_LISTEN_ADDRESS (127.0.0.1), HLI_LAB_BASE_PORT (5680: the lab's seven
 * ports start there), HLI_OWNER_EMAIL (owner@homelab.local), HLI_STARTED_MS (set by start.sh, for the banner).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePort } from '../test/support/process';
import { banner, writeLabEnv, type LabEnv } from './lab-banner';
import {
	ENSURE_SERVER_PATH,
	homeNetwork,
	INGRESS_SERVER,
	labCredentials,
	labWorkflows,
	type LabEndpoints,
} from './lab-seed';
import {
	assertLabPortsFree,
	DEFAULT_LAB_BASE_PORT,
	findCaddy,
	LAB_HOST,
	labPorts,
	startHomeService,
	startLabCaddy,
	startSimulators,
	type LabCaddy,
	type Stoppable,
} from './lab-services';
import {
	launchN8n,
	randomSecret,
	shippedWorkflows,
	type InstanceConfig,
	type WorkflowJson,
} from './n8n-instance';

const ENSURE_TIMEOUT_MS = 30_000;

interface LocalSecrets {
	encryptionKey: string;
	ownerPassword: string;
	webhookToken: string;
}

/** Generated once and kept with the instance: n8n's data is encrypted with the key, and users keep their token. */
function loadOrCreateSecrets(file: string): LocalSecrets {
	if (existsSync(file)) {
		chmodSync(file, 0o600);
		return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
	}
	const secrets: LocalSecrets = {
		encryptionKey: randomSecret(),
		ownerPassword: randomSecret(12),
		webhookToken: randomSecret(),
	};
	writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
	return secrets;
}

const WEBHOOK_NODE_TYPE = 'n8n-nodes-base.webhook';

/**
 * Workflows that only answer webhook calls are published. Scheduled ones are not: with their shipped
 * placeholder URLs they would send the webhook token and alerts to hosts the user never chose.
 */
function startedOnlyByWebhooks(workflow: WorkflowJson): boolean {
	const triggers = workflow.nodes.filter(
		(node) => node.type === WEBHOOK_NODE_TYPE || /Trigger$/.test(node.type),
	);
	return triggers.length > 0 && triggers.every((node) => node.type === WEBHOOK_NODE_TYPE);
}

function print(text: string): void {
	process.stdout.write(`${text}\n`);
}

/**
 * Runs the lab's "ensure the Caddy ingress server" workflow through its webhook. A webhook can answer 404
 * for a moment after its workflow went live, so that answer is retried until the timeout.
 */
async function ensureIngressServer(n8nUrl: string, webhookToken: string): Promise<void> {
	const deadline = Date.now() + ENSURE_TIMEOUT_MS;
	for (;;) {
		const response = await fetch(`${n8nUrl}/webhook/${ENSURE_SERVER_PATH}`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${webhookToken}` },
			signal: AbortSignal.timeout(ENSURE_TIMEOUT_MS),
		});
		const text = await response.text();
		if (response.status === 404 && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 250));
			continue;
		}
		const server = response.ok ? (JSON.parse(text) as { server?: string }).server : undefined;
		if (server !== INGRESS_SERVER) {
			throw new Error(
				`Server → Ensure answered HTTP ${response.status} ${text.slice(0, 300)} (see the executions of ` +
					`"Lab: ensure the Caddy ingress server" in the editor)`,
			);
		}
		return;
	}
}

async function main(): Promise<void> {
	const [n8nBin, instanceDir] = process.argv.slice(2);
	if (!n8nBin || !instanceDir)
		throw new Error('usage: local-instance.ts <n8n bin> <instance folder>');
	const startedMs = Number(process.env.HLI_STARTED_MS) || performance.timeOrigin;
	mkdirSync(instanceDir, { recursive: true, mode: 0o700 });
	const secretsFile = join(instanceDir, 'local-instance.json');
	const secrets = loadOrCreateSecrets(secretsFile);
	const ports = labPorts(Number(process.env.HLI_LAB_BASE_PORT || DEFAULT_LAB_BASE_PORT));
	const config: InstanceConfig = {
		n8nBin,
		userFolder: instanceDir,
		encryptionKey: secrets.encryptionKey,
		owner: {
			email: process.env.HLI_OWNER_EMAIL || 'owner@homelab.local',
			password: secrets.ownerPassword,
			firstName: 'Homelab',
			lastName: 'Owner',
		},
		listenAddress: process.env.N8N_LISTEN_ADDRESS || '127.0.0.1',
		port: Number(process.env.N8N_PORT || 5678),
		runnerBrokerPort: await freePort(),
		inheritOutput: true,
	};
	if (Object.values(ports).includes(config.port))
		throw new Error(`N8N_PORT ${config.port} is one of the lab's ports; set HLI_LAB_BASE_PORT`);
	await assertLabPortsFree(ports);

	// Everything started so far, each settled to what must be stopped (or nothing if it failed to start).
	const started: Array<Promise<Stoppable | undefined>> = [];
	const track = <T extends Stoppable>(starting: Promise<T>): Promise<T> => {
		started.push(starting.catch(() => undefined));
		return starting;
	};
	const starting = new AbortController();
	let stopping = false;
	const shutdown = async (code: number) => {
		if (stopping) return;
		stopping = true;
		// n8n, while still starting, sees this, stops itself and settles.
		starting.abort();
		print('\nStopping the lab …');
		await Promise.allSettled(started.map(async (service) => (await service)?.stop()));
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	try {
		const home = await track(startHomeService(ports.home));
		const simulators = await track(startSimulators(ports));
		const caddyFound = findCaddy(print);
		// Caddy boots in its own process while n8n is prepared (the package install and imports block this one).
		const caddyStarted: Promise<{ caddy: LabCaddy } | { reason: string }> =
			'binary' in caddyFound
				? track(startLabCaddy(caddyFound.binary, join(instanceDir, 'caddy'), ports)).then(
						(caddy) => ({ caddy }),
						(error: Error) => ({ reason: error.message }),
					)
				: Promise.resolve(caddyFound);

		const endpoints: LabEndpoints = {
			caddyAdminUrl: `http://${LAB_HOST}:${ports.caddyAdmin}`,
			ingressListen: `${LAB_HOST}:${ports.ingress}`,
			homeAddress: home.address,
			simulators,
		};
		const credentials = labCredentials(endpoints, secrets.webhookToken);
		const workflows = labWorkflows(shippedWorkflows(), endpoints);
		const published = workflows.filter(startedOnlyByWebhooks);
		const unpublished = workflows.filter((workflow) => !published.includes(workflow));
		const n8n = await track(
			launchN8n(
				config,
				{ credentials, workflows, publish: published.map((workflow) => workflow.id) },
				starting.signal,
			),
		);
		void n8n.exited.then((code) => {
			if (stopping) return;
			print(`n8n exited on its own (code ${code})`);
			void shutdown(code ?? 1);
		});

		const caddyState = await caddyStarted;
		const caddy =
			'caddy' in caddyState
				? await ensureIngressServer(n8n.baseUrl, secrets.webhookToken).then(
						() => caddyState,
						(error: Error) => ({ reason: error.message }),
					)
				: caddyState;

		const env: LabEnv = {
			webhookToken: secrets.webhookToken,
			routesUrl: `${n8n.baseUrl}/webhook/ingress/routes`,
			ingressUrl: `http://${endpoints.ingressListen}`,
			homeAddress: home.address,
			caddyAdminUrl: endpoints.caddyAdminUrl,
		};
		const envFile = join(instanceDir, 'lab.env');
		writeLabEnv(envFile, env);
		print(
			banner({
				readySeconds: (Date.now() - startedMs) / 1000,
				n8nUrl: n8n.baseUrl,
				ownerEmail: config.owner.email,
				ownerPassword: secrets.ownerPassword,
				caddy:
					'caddy' in caddy
						? {
								adminUrl: caddy.caddy.adminUrl,
								ingressUrl: env.ingressUrl,
								binary: caddy.caddy.binary,
							}
						: caddy,
				homeAddress: home.address,
				simulators: [
					`Vultr ${simulators.vultrUrl}`,
					`Tailscale ${simulators.tailscaleUrl}`,
					`Headscale ${simulators.headscaleUrl}`,
					`Cloudflare ${simulators.cloudflareUrl}`,
				],
				credentials: credentials.map((credential) => credential.name),
				published: published.map((workflow) => workflow.name),
				unpublished: unpublished.map((workflow) => workflow.name),
				allowedNetwork: homeNetwork(home.address),
				instanceDir,
				envFile,
				env,
			}),
		);
	} catch (error) {
		if (stopping) return;
		process.stderr.write(`lab: ${(error as Error).message}\n`);
		await shutdown(1);
	}
}

main().catch((error: Error) => {
	process.stderr.write(`lab: ${error.message}\n`);
	process.exit(1);
});
