/**
 * `npm start` (run by scripts/start.sh): a local n8n with the freshly packed package, every exported
 * workflow imported (those started only by webhooks also published) and demo credentials, in a persistent
 * folder outside the checkout. Stays in the foreground until Ctrl-C, then stops n8n by its PID.
 *
 * Usage: local-instance.ts <n8n bin> <instance folder>
 * Environment: N8N_PORT (5678), N8N_LISTEN_ADDRESS (127.0.0.1), HLI_CADDY_ADMIN_URL (http://localhost:2019),
 * HLI_OWNER_EMAIL (owner@homelab.local).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePort } from '../test/support/process';
import {
	launchN8n,
	randomSecret,
	routeCredentials,
	shippedWorkflows,
	type InstanceConfig,
	type RunningN8n,
	type WorkflowJson,
} from './n8n-instance';

interface LocalSecrets {
	encryptionKey: string;
	ownerPassword: string;
	webhookToken: string;
}

/** Generated once and kept with the instance: n8n's data is encrypted with the key, and users keep their token. */
function loadOrCreateSecrets(file: string): LocalSecrets {
	if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
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

async function main(): Promise<void> {
	const [n8nBin, instanceDir] = process.argv.slice(2);
	if (!n8nBin || !instanceDir)
		throw new Error('usage: local-instance.ts <n8n bin> <instance folder>');
	mkdirSync(instanceDir, { recursive: true, mode: 0o700 });
	const secretsFile = join(instanceDir, 'local-instance.json');
	const secrets = loadOrCreateSecrets(secretsFile);
	const caddyAdminUrl = process.env.HLI_CADDY_ADMIN_URL || 'http://localhost:2019';
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

	const starting = new AbortController();
	let n8n: RunningN8n | undefined;
	let stopping = false;
	const shutdown = async () => {
		if (stopping) return;
		stopping = true;
		starting.abort();
		// While n8n is still starting, the launch sees the abort, stops it and returns here below.
		if (!n8n) return;
		print('\nStopping n8n …');
		await n8n.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void shutdown());
	process.on('SIGTERM', () => void shutdown());

	const workflows = shippedWorkflows();
	const published = workflows.filter(startedOnlyByWebhooks);
	const unpublished = workflows.filter((workflow) => !published.includes(workflow));
	const seed = {
		credentials: routeCredentials(caddyAdminUrl, secrets.webhookToken),
		workflows,
		publish: published.map((workflow) => workflow.id),
	};
	try {
		n8n = await launchN8n(config, seed, starting.signal);
	} catch (error) {
		if (stopping) process.exit(0);
		throw error;
	}
	if (stopping) {
		await n8n.stop();
		process.exit(0);
	}
	void n8n.exited.then((code) => {
		if (stopping) return;
		print(`n8n exited on its own (code ${code})`);
		process.exit(code ?? 1);
	});

	const webhook = `${n8n.baseUrl}/webhook/ingress/routes`;
	print(
		[
			'',
			'n8n-nodes-homelab-ingress: local n8n is running',
			`  URL:            ${n8n.baseUrl}`,
			`  Login:          ${config.owner.email}`,
			`  Password:       ${secrets.ownerPassword}`,
			`  Webhook token:  ${secrets.webhookToken}`,
			`  Caddy admin:    ${caddyAdminUrl} (credential "Caddy admin API (VPS)"; set HLI_CADDY_ADMIN_URL to change)`,
			`  Published:      ${published.map((workflow) => workflow.name).join(', ')}`,
			`  Not published:  ${unpublished.map((workflow) => workflow.name).join(', ') || '-'}`,
			'                  (they run on a schedule and call other hosts: set their URLs, then publish them in the UI)',
			`  Data:           ${instanceDir} (secrets in ${secretsFile})`,
			'',
			'  Publish a route:',
			`    curl -X POST ${webhook} -H 'Authorization: Bearer ${secrets.webhookToken}' \\`,
			`      -H 'Content-Type: application/json' -d '{"host":"app.example.com","upstream":"100.64.0.10:8080"}'`,
			'',
			'Press Ctrl-C to stop.',
		].join('\n'),
	);
}

main().catch((error: Error) => {
	process.stderr.write(`local n8n: ${error.message}\n`);
	process.exit(1);
});
