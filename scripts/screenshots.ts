/**
 * `npm run screenshots` (run by scripts/screenshots.sh): starts a throw-away local n8n with the freshly
 * packed package and every workflow of workflows/, drives a headless Chromium (Debian's package) through
 * the real editor and writes PNGs to docs/images/: the canvas of each shipped workflow, the panel of each
 * of the six nodes and the forms of the main credentials. Re-run it whenever a workflow or a node's fields
 * change.
 *
 * Nothing leaves the machine: n8n, the Vultr and Tailscale simulators that fill the panels' dropdowns,
 * and Chromium all run on loopback, and the browser fails every request to any other origin.
 *
 * Usage: screenshots.ts <n8n bin>
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTailscaleSimulator, TAILSCALE_OAUTH } from '../test/simulators/tailscale';
import { createVultrSimulator, VULTR_API_KEY } from '../test/simulators/vultr';
import { freePort } from '../test/support/process';
import { ensureDebianBinary } from '../test/support/servers';
import { launchChromium, type Page } from './cdp';
import {
	launchN8n,
	randomSecret,
	routeCredentials,
	shippedWorkflows,
	type CredentialSeed,
	throwawayInstanceConfig,
	type WorkflowJson,
} from './n8n-instance';
import { CREDENTIAL_FORMS, panelCredentials, panelWorkflow, PANELS } from './screenshot-panels';

const IMAGES_DIR = join(__dirname, '..', 'docs', 'images');
const VIEWPORT = { width: 1440, height: 900 };
/** Time for the canvas to fit the view and for panels to load their options after they appear. */
const SETTLE_MS = 1_500;
const STICKY_NOTE = 'n8n-nodes-base.stickyNote';

function print(text: string): void {
	process.stdout.write(`${text}\n`);
}

async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

function fileName(workflow: WorkflowJson): string {
	return `workflow-${workflow.id}.png`;
}

async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	await page.waitFor(
		`document.querySelector('input[type=email], input[name=emailOrLdapLoginId]')`,
		'the sign-in form',
	);
	await page.click('input[type=email], input[name=emailOrLdapLoginId]');
	await page.type(email);
	await page.click('input[type=password]');
	await page.type(password);
	await page.press('Enter', 'Enter', 13);
	await page.waitFor(`!location.pathname.startsWith('/signin')`, 'the sign-in to finish');
}

/** Opens a workflow, waits until all its nodes and notes are on the canvas, and fits them into view. */
async function openWorkflow(page: Page, baseUrl: string, workflow: WorkflowJson): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${workflow.id}`);
	const names = workflow.nodes.filter((node) => node.type !== STICKY_NOTE).map((node) => node.name);
	const notes = workflow.nodes.length - names.length;
	await page.waitFor(
		`${JSON.stringify(names)}.every((name) => [...document.querySelectorAll('[data-test-id="canvas-node"]')].some((node) => node.dataset.nodeName === name)) && document.querySelectorAll('[data-test-id="sticky"]').length >= ${notes}`,
		`the canvas of "${workflow.name}"`,
	);
	await page.click('[data-test-id="zoom-to-fit"]');
	await sleep(SETTLE_MS);
}

async function main(): Promise<void> {
	const [n8nBin] = process.argv.slice(2);
	if (!n8nBin) throw new Error('usage: screenshots.ts <n8n bin>');
	const missing = ensureDebianBinary('chromium', 'chromium');
	if (missing)
		throw new Error(
			`Chromium is needed for the screenshots: ${missing} (as root: apt-get install chromium)`,
		);

	const userFolder = mkdtempSync(join(tmpdir(), 'hli-screenshots-'));
	const vultr = createVultrSimulator({ bootMs: 0 });
	const tailscale = createTailscaleSimulator();
	const stops: Array<() => Promise<void>> = [
		async () => rmSync(userFolder, { recursive: true, force: true }),
		() => vultr.close(),
		() => tailscale.close(),
	];
	try {
		const simulators = { vultr: await vultr.listen(0), tailscale: await tailscale.listen(0) };
		const owner = {
			email: 'owner@homelab.local',
			password: randomSecret(12),
			firstName: 'Homelab',
			lastName: 'Owner',
		};
		const config = await throwawayInstanceConfig(n8nBin, userFolder, owner);
		// Loopback ports nothing listens on: the editor never makes these credentials call out.
		const closedPort = `http://127.0.0.1:${await freePort()}`;
		const credentials: CredentialSeed[] = [
			...routeCredentials(closedPort, randomSecret(), {
				baseUrl: closedPort,
				apiToken: 'not-a-token',
			}),
			...panelCredentials(closedPort, {
				vultr: { baseUrl: simulators.vultr, apiKey: VULTR_API_KEY },
				tailscale: { baseUrl: simulators.tailscale, ...TAILSCALE_OAUTH },
			}),
		];
		const workflows = shippedWorkflows();
		print(`screenshots: starting n8n with ${workflows.length} workflows …`);
		const n8n = await launchN8n(config, {
			credentials,
			workflows: [...workflows, panelWorkflow()],
			publish: [],
		});
		stops.unshift(() => n8n.stop());

		const browser = await launchChromium('chromium', n8n.baseUrl, VIEWPORT);
		stops.unshift(() => browser.stop());
		const { page } = browser;
		await signIn(page, n8n.baseUrl, owner.email, owner.password);

		mkdirSync(IMAGES_DIR, { recursive: true });
		const written = new Set<string>();
		const write = async (file: string) => {
			writeFileSync(join(IMAGES_DIR, file), await page.screenshot());
			written.add(file);
			print(`  docs/images/${file}`);
		};
		for (const workflow of workflows) {
			await openWorkflow(page, n8n.baseUrl, workflow);
			await write(fileName(workflow));
		}
		const panels = panelWorkflow();
		for (const panel of PANELS) {
			await openWorkflow(page, n8n.baseUrl, panels);
			await page.click(`[data-test-id="canvas-node"][data-node-name="${panel.node}"]`, 2);
			await page.waitFor(
				`document.querySelector('[data-test-id="ndv"]')`,
				`the panel of ${panel.node}`,
			);
			await sleep(SETTLE_MS);
			await write(panel.file);
		}
		for (const { id, file } of CREDENTIAL_FORMS) {
			await page.goto(`${n8n.baseUrl}/home/credentials/${id}`);
			await page.waitFor(`document.querySelector('[role="dialog"]')`, `the credential form ${id}`);
			// n8n tests a credential when its form opens; the answer (from loopback) changes the layout.
			await sleep(SETTLE_MS * 2);
			await write(file);
		}
		// Pictures of workflows that no longer ship would otherwise stay in the docs.
		for (const file of readdirSync(IMAGES_DIR))
			if (file.endsWith('.png') && !written.has(file)) rmSync(join(IMAGES_DIR, file));
		if (page.blocked.length)
			print(`  the browser was kept from reaching: ${[...new Set(page.blocked)].join(', ')}`);
	} finally {
		for (const stop of stops) await stop().catch(() => undefined);
	}
}

main().catch((error: Error) => {
	process.stderr.write(`screenshots: ${error.message}\n`);
	process.exit(1);
});
