/**
 * A real n8n process with this package installed the way users install it (scripts/n8n-package.ts), so
 * its node types are `n8n-nodes-homelab-ingress.<node>` as in the exported workflows. Credentials and workflows
 * are imported with the n8n CLI, the server is started on loopback, and workflows are published through
 * the public API. Used by the end-to-end tests (test/support/n8n.ts) and by `npm start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	realpathSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { freePort } from '../test/support/process';
import { run, withTempDir } from './command';
import { installPackage, sha256 } from './n8n-package';

const PROJECT_DIR = join(__dirname, '..');

const CLI_TIMEOUT_MS = 180_000;
const HEALTH_TIMEOUT_MS = 120_000;
const REQUEST_TIMEOUT_MS = 15_000;
const PUBLICATION_TIMEOUT_MS = 60_000;
// n8n's own graceful shutdown waits up to 30 s for running executions.
const SHUTDOWN_GRACE_MS = 35_000;

/** The credential ids and names the exported workflows reference. */
export const CADDY_CREDENTIAL = {
	id: 'hliCaddyAdmin01',
	name: 'Caddy admin API (VPS)',
	type: 'caddyAdminApi',
};
export const WEBHOOK_CREDENTIAL = {
	id: 'hliIngressHook01',
	name: 'Ingress webhook token',
	type: 'httpHeaderAuth',
};
export const DNS_CREDENTIAL = {
	id: 'hliDnsCloudflare1',
	name: 'DNS provider (Cloudflare)',
	type: 'cloudflareDnsApi',
};

export interface CredentialSeed {
	id: string;
	name: string;
	type: string;
	/** Plain values: `n8n import:credentials` encrypts an object `data` with the instance key. */
	data: Record<string, string>;
}

/**
 * The credentials the route workflows need: Caddy's admin API, the webhook bearer token, and the DNS
 * provider (used only once the workflow's Ingress Settings switch DNS on; empty token until then).
 */
export function routeCredentials(
	caddyAdminUrl: string,
	webhookToken: string,
	dns: { baseUrl: string; apiToken: string } = {
		baseUrl: 'https://api.cloudflare.com/client/v4',
		apiToken: '',
	},
): CredentialSeed[] {
	return [
		{ ...CADDY_CREDENTIAL, data: { baseUrl: caddyAdminUrl } },
		{ ...WEBHOOK_CREDENTIAL, data: { name: 'Authorization', value: `Bearer ${webhookToken}` } },
		{ ...DNS_CREDENTIAL, data: dns },
	];
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		parameters: Record<string, unknown>;
		[key: string]: unknown;
	}>;
	connections: object;
	[key: string]: unknown;
}

/** Every exported workflow in workflows/, parsed. */
export function shippedWorkflows(): WorkflowJson[] {
	const dir = join(PROJECT_DIR, 'workflows');
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as WorkflowJson);
}

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export interface InstanceConfig {
	/** Path of n8n's `bin/n8n` (scripts/install-n8n.sh prints it). */
	n8nBin: string;
	/** N8N_USER_FOLDER: n8n keeps its data in `<userFolder>/.n8n`. */
	userFolder: string;
	encryptionKey: string;
	owner: Owner;
	listenAddress: string;
	port: number;
	/** n8n's internal task-runner broker listens on a fixed 5679 unless told otherwise; two instances would clash. */
	runnerBrokerPort: number;
	/** Stream n8n's log to this process's stdout/stderr (`npm start`) instead of keeping it for error messages. */
	inheritOutput?: boolean;
	/** More settings, applied last (queue mode: EXECUTIONS_MODE, the database and Redis). */
	extraEnv?: Record<string, string>;
	/** Sees every chunk of n8n's log as it arrives (when not inherited). */
	onOutput?: (text: string) => void;
}

/** An instance on free loopback ports with a fresh encryption key: for tests and tools, never kept. */
export async function throwawayInstanceConfig(
	n8nBin: string,
	userFolder: string,
	owner: Owner,
): Promise<InstanceConfig> {
	return {
		n8nBin,
		userFolder,
		encryptionKey: randomSecret(),
		owner,
		listenAddress: '127.0.0.1',
		port: await freePort(),
		runnerBrokerPort: await freePort(),
	};
}

export function randomSecret(bytes = 24): string {
	return randomBytes(bytes).toString('base64url');
}

/** n8n refuses Node < 24; run its CLI with this very Node so PATH does not matter. */
function assertNode24(): void {
	const major = Number(process.versions.node.split('.')[0]);
	if (major < 24)
		throw new Error(`n8n 2.x needs Node >= 24, this is ${process.version} (see scripts/node24.sh)`);
}

/** bcrypt hash for N8N_INSTANCE_OWNER_PASSWORD_HASH, made with the bcryptjs that ships inside n8n. */
function bcryptHash(n8nBin: string, password: string): string {
	const requireFromN8n = createRequire(realpathSync(n8nBin));
	const bcrypt = requireFromN8n('bcryptjs') as {
		hashSync(password: string, rounds: number): string;
	};
	return bcrypt.hashSync(password, 10);
}

/**
 * n8n settings that keep it on this machine (names from n8n 2.41's own config classes): no telemetry,
 * version or what's-new checks, templates, banners or personalization survey; no look-up of vetted
 * community node types at api.n8n.io and no install or `npm outdated` against the npm registry (the
 * package is installed from disk, below); no AI features or license renewal. The editor's own page
 * may fetch only from n8n itself, which stops its npm-registry look-ups for community nodes.
 */
const NO_OUTSIDE_CALLS: Record<string, string> = {
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_DYNAMIC_BANNERS_ENABLED: 'false',
	N8N_VERIFIED_PACKAGES_ENABLED: 'false',
	N8N_UNVERIFIED_PACKAGES_ENABLED: 'false',
	N8N_AI_ENABLED: 'false',
	N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
	N8N_CONTENT_SECURITY_POLICY: JSON.stringify({ 'connect-src': ["'self'"] }),
};

const NET_RECORDER = join(__dirname, 'n8n-net-recorder.js');

/** With HLI_N8N_NET_LOG set, every n8n process records its outside connection attempts there. */
function netRecorderEnv(): NodeJS.ProcessEnv {
	const logFile = process.env.HLI_N8N_NET_LOG;
	if (!logFile) return {};
	const preload = `--require ${JSON.stringify(NET_RECORDER)}`;
	return {
		NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' '),
		HLI_N8N_NET_LOG: logFile,
	};
}

function n8nEnv(config: InstanceConfig): NodeJS.ProcessEnv {
	return {
		...process.env,
		// As users run it; Jest sets NODE_ENV=test, which makes n8n take test-only code paths and exit.
		NODE_ENV: 'production',
		N8N_USER_FOLDER: config.userFolder,
		N8N_ENCRYPTION_KEY: config.encryptionKey,
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LISTEN_ADDRESS: config.listenAddress,
		N8N_PORT: String(config.port),
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(config.runnerBrokerPort),
		...NO_OUTSIDE_CALLS,
		// Its start-up refresh fetches api.n8n.io/api/mcp-servers.
		N8N_DISABLED_MODULES: [process.env.N8N_DISABLED_MODULES, 'mcp-registry']
			.filter(Boolean)
			.join(','),
		...netRecorderEnv(),
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: config.owner.email,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcryptHash(config.n8nBin, config.owner.password),
		N8N_INSTANCE_OWNER_FIRST_NAME: config.owner.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: config.owner.lastName,
		...config.extraEnv,
	};
}

/** Runs one n8n CLI command against the instance's user folder (n8n must not be running for imports to take effect). */
async function n8nCli(
	config: InstanceConfig,
	args: string[],
	signal?: AbortSignal,
): Promise<string> {
	assertNode24();
	// cwd is the user folder: n8n loads a .env from its working directory.
	return await run(process.execPath, [realpathSync(config.n8nBin), ...args], {
		cwd: config.userFolder,
		env: n8nEnv(config),
		timeoutMs: CLI_TIMEOUT_MS,
		signal,
	});
}

/** Imports (upserts by id) credentials; their plain `data` is encrypted by n8n on import. */
async function importCredentials(
	config: InstanceConfig,
	credentials: CredentialSeed[],
	signal?: AbortSignal,
): Promise<void> {
	await withTempDir('hli-creds-', async (dir) => {
		const file = join(dir, 'credentials.json');
		writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
		await n8nCli(config, ['import:credentials', `--input=${file}`], signal);
	});
}

/** Imports (upserts by id) workflows; imported workflows are inactive until published. */
async function importWorkflows(
	config: InstanceConfig,
	workflows: WorkflowJson[],
	signal?: AbortSignal,
): Promise<void> {
	await withTempDir('hli-workflows-', async (dir) => {
		const file = join(dir, 'workflows.json');
		// The import upserts only the columns the file names: one archived in the editor would stay archived.
		writeFileSync(
			file,
			JSON.stringify(workflows.map((workflow) => ({ ...workflow, isArchived: false }))),
		);
		await n8nCli(config, ['import:workflow', `--input=${file}`], signal);
	});
}

/** Beside n8n's database: the SHA-256 of the credentials and workflows last imported into it. */
const SEED_DIGEST_FILE = 'homelab-seed-sha256';

/**
 * Imports the seed's credentials and workflows, unless this very seed was imported into this database
 * before: each import boots n8n's CLI, several seconds. Returns whether it imported.
 */
export async function importSeed(
	config: InstanceConfig,
	seed: Seed,
	force: boolean,
	signal?: AbortSignal,
): Promise<boolean> {
	const dataDir = join(config.userFolder, '.n8n');
	const digestFile = join(dataDir, SEED_DIGEST_FILE);
	const digest = sha256(JSON.stringify([seed.credentials, seed.workflows]));
	const imported =
		existsSync(join(dataDir, 'database.sqlite')) &&
		existsSync(digestFile) &&
		readFileSync(digestFile, 'utf8') === digest;
	if (imported && !force) return false;
	rmSync(digestFile, { force: true });
	await importCredentials(config, seed.credentials, signal);
	await importWorkflows(config, seed.workflows, signal);
	writeFileSync(digestFile, digest);
	return true;
}

/** Whether a seeded credential or workflow is gone from the running n8n (deleted or archived in the editor). */
async function seedMissing(baseUrl: string, cookie: string, seed: Seed): Promise<boolean> {
	const paths = [
		...seed.credentials.map((credential) => `/credentials/${credential.id}`),
		...seed.workflows.map((workflow) => `/workflows/${workflow.id}`),
	];
	for (const path of paths) {
		const { status, body } = await requestJson(`${baseUrl}/rest${path}`, {
			headers: { Cookie: cookie },
		});
		if (status === 404) return true;
		if (status !== 200) throw new Error(`GET /rest${path} answered HTTP ${status}`);
		if ((body as { data?: { isArchived?: boolean } }).data?.isArchived) return true;
	}
	return false;
}

async function assertPortFree(host: string, port: number): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const probe = createServer();
		probe.once('error', () =>
			reject(new Error(`${host}:${port} is already in use; set N8N_PORT to another port`)),
		);
		probe.listen(port, host, () => probe.close(() => resolve()));
	});
}

async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

export interface RunningN8n {
	baseUrl: string;
	pid: number;
	/** Resolves with the exit code when n8n exits (for whatever reason). */
	exited: Promise<number | null>;
	/** The tail of n8n's log (empty when it goes to the terminal). */
	output(): string;
	/** SIGTERM to n8n's PID, SIGKILL to the same PID if it has not exited after the grace period. */
	stop(): Promise<void>;
}

/**
 * Starts `n8n start` (or, in queue mode, `n8n worker` / `n8n webhook`) and waits until it is ready on
 * `config.port` (a worker's health server port); `cancel` stops the wait (and n8n) early, e.g. on Ctrl-C.
 */
export async function startN8n(
	config: InstanceConfig,
	cancel?: AbortSignal,
	command: 'start' | 'worker' | 'webhook' = 'start',
): Promise<RunningN8n> {
	assertNode24();
	await assertPortFree(config.listenAddress, config.port);
	const child: ChildProcess = spawn(process.execPath, [realpathSync(config.n8nBin), command], {
		cwd: config.userFolder,
		env: n8nEnv(config),
		stdio: config.inheritOutput ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
		// Its own process group: Ctrl-C in a terminal reaches only our runner, which then stops n8n by PID.
		detached: true,
	});
	if (!child.pid) throw new Error('could not start n8n');
	const pid = child.pid;
	let log = '';
	const keep = (chunk: Buffer) => {
		const text = chunk.toString();
		log = (log + text).slice(-30_000);
		config.onOutput?.(text);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	// 'close' rather than 'exit': by then the last of its output has been read.
	const exited = new Promise<number | null>((resolve) =>
		child.once('close', (code) => resolve(code)),
	);
	const alive = () => child.exitCode === null && child.signalCode === null;
	const stop = async () => {
		if (!alive()) return;
		process.kill(pid, 'SIGTERM');
		const timer = setTimeout(() => alive() && process.kill(pid, 'SIGKILL'), SHUTDOWN_GRACE_MS);
		await exited;
		clearTimeout(timer);
	};
	const baseUrl = `http://${config.listenAddress}:${config.port}`;
	const deadline = Date.now() + HEALTH_TIMEOUT_MS;
	for (;;) {
		if (!alive())
			throw new Error(`n8n exited with code ${await exited} before it was healthy:\n${log}`);
		// /healthz answers as soon as the port is open; /healthz/readiness only once the REST API and
		// webhooks are mounted and the database is migrated.
		const healthy = await fetch(`${baseUrl}/healthz/readiness`, {
			signal: AbortSignal.timeout(2_000),
		}).then(
			(response) => response.ok,
			() => false,
		);
		if (healthy) break;
		if (cancel?.aborted) {
			await stop();
			throw new Error('cancelled while n8n was starting');
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n was not healthy within ${HEALTH_TIMEOUT_MS / 1000} s:\n${log}`);
		}
		await sleep(250);
	}
	return { baseUrl, pid, exited, output: () => log, stop };
}

async function requestJson(
	url: string,
	init: RequestInit,
): Promise<{ status: number; body: unknown; response: Response }> {
	const response = await fetch(url, {
		...init,
		headers: { 'Content-Type': 'application/json', ...init.headers },
		signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
	});
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// not JSON: keep the text for the error message
	}
	return { status: response.status, body, response };
}

/** Logs in as the owner and returns the session cookie for n8n's internal REST API. */
export async function login(baseUrl: string, owner: Owner): Promise<string> {
	const { status, body, response } = await requestJson(`${baseUrl}/rest/login`, {
		method: 'POST',
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	const cookie = response.headers
		.getSetCookie()
		.map((header) => header.split(';')[0])
		.find((pair) => pair.startsWith('n8n-auth='));
	if (status !== 200 || !cookie)
		throw new Error(`login as ${owner.email} failed: HTTP ${status} ${JSON.stringify(body)}`);
	return cookie;
}

/**
 * Publishes (activates) the workflows that are not active yet through the public API, with a short-lived
 * API key that is deleted afterwards, so repeated starts do not pile up keys. Returns once all are live.
 * Whether a workflow is active is read from the workflow itself: its publication status can still show the
 * triggers of a run before the workflow was imported (and so deactivated) again.
 */
export async function publishWorkflows(
	baseUrl: string,
	cookie: string,
	workflowIds: string[],
): Promise<void> {
	const rest = (path: string, init: RequestInit = {}) =>
		requestJson(`${baseUrl}/rest${path}`, { ...init, headers: { Cookie: cookie } });
	const pending: string[] = [];
	for (const id of workflowIds) {
		const { status, body } = await rest(`/workflows/${id}`);
		if (status !== 200) throw new Error(`GET /rest/workflows/${id} answered HTTP ${status}`);
		if ((body as { data?: { active?: boolean } }).data?.active !== true) pending.push(id);
	}
	if (pending.length > 0) await publishWithApiKey(baseUrl, rest, pending);
	for (const id of workflowIds) await waitUntilLive(id, rest);
}

type RestCall = (
	path: string,
	init?: RequestInit,
) => Promise<{ status: number; body: unknown; response: Response }>;

async function publishWithApiKey(
	baseUrl: string,
	rest: RestCall,
	workflowIds: string[],
): Promise<void> {
	const created = await rest('/api-keys', {
		method: 'POST',
		// workflow:activate is the scope POST /api/v1/workflows/{id}/publish checks.
		body: JSON.stringify({
			label: `publish ${new Date().toISOString()}`,
			scopes: ['workflow:activate'],
			expiresAt: null,
		}),
	});
	const key = (created.body as { data?: { id: string; rawApiKey: string } }).data;
	if (created.status !== 200 || !key) {
		throw new Error(
			`creating an API key failed: HTTP ${created.status} ${JSON.stringify(created.body)}`,
		);
	}
	try {
		for (const id of workflowIds) {
			const published = await requestJson(`${baseUrl}/api/v1/workflows/${id}/publish`, {
				method: 'POST',
				headers: { 'X-N8N-API-KEY': key.rawApiKey },
				body: '{}',
			});
			if (published.status !== 200 || (published.body as { active?: boolean }).active !== true) {
				throw new Error(
					`publishing workflow ${id} failed: HTTP ${published.status} ${JSON.stringify(published.body)}`,
				);
			}
		}
	} finally {
		await rest(`/api-keys/${key.id}`, { method: 'DELETE' });
	}
}

/**
 * n8n 2.41 publishes through an outbox by default (N8N_USE_WORKFLOW_PUBLICATION_SERVICE): the publish call
 * returns before the webhooks are registered, and production webhooks answer 404 until then.
 */
async function waitUntilLive(
	workflowId: string,
	rest: (path: string) => Promise<{ status: number; body: unknown }>,
): Promise<void> {
	const deadline = Date.now() + PUBLICATION_TIMEOUT_MS;
	for (;;) {
		const { status, body } = await rest(`/workflows/${workflowId}/publication-status`);
		// 404: the publication service is switched off, and publishing activated the triggers synchronously.
		if (status === 404) return;
		const publication = (body as { data?: PublicationStatus }).data;
		if (publication?.status === 'published') return;
		if (publication?.status === 'failed' || publication?.status === 'partial') {
			throw new Error(
				`workflow ${workflowId} did not go live: ${JSON.stringify(publication.triggers)}`,
			);
		}
		if (Date.now() > deadline) {
			throw new Error(
				`workflow ${workflowId} was not live within ${PUBLICATION_TIMEOUT_MS / 1000} s: ${JSON.stringify(body)}`,
			);
		}
		await sleep(200);
	}
}

interface PublicationStatus {
	status: 'in_progress' | 'not_published' | 'published' | 'partial' | 'failed';
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

export interface Seed {
	credentials: CredentialSeed[];
	workflows: WorkflowJson[];
	/** Ids of the imported workflows to publish; the others stay inactive. */
	publish: string[];
	/** Install this package as a community package (default). Off only to measure n8n without it. */
	withPackage?: boolean;
}

/**
 * The whole sequence: install the freshly packed package, import credentials and workflows, start n8n,
 * publish the chosen workflows. Safe to repeat on the same user folder: an unchanged package and an
 * unchanged seed are not installed or imported again, and a seeded credential or workflow deleted in the
 * editor since is imported again (which needs a second start).
 */
export async function launchN8n(
	config: InstanceConfig,
	seed: Seed,
	cancel?: AbortSignal,
): Promise<RunningN8n> {
	// Before touching the database: an n8n already on this port may be using the same user folder.
	await assertPortFree(config.listenAddress, config.port);
	mkdirSync(config.userFolder, { recursive: true });
	if (seed.withPackage !== false) await installPackage(config.userFolder, cancel);
	const imported = await importSeed(config, seed, false, cancel);
	let n8n = await startN8n(config, cancel);
	try {
		let cookie = await login(n8n.baseUrl, config.owner);
		if (!imported && (await seedMissing(n8n.baseUrl, cookie, seed))) {
			// The CLI imports need n8n stopped.
			await n8n.stop();
			await importSeed(config, seed, true, cancel);
			n8n = await startN8n(config, cancel);
			cookie = await login(n8n.baseUrl, config.owner);
		}
		await publishWorkflows(n8n.baseUrl, cookie, seed.publish);
	} catch (error) {
		await n8n.stop();
		throw new Error(`${(error as Error).message}\n${n8n.output()}`);
	}
	return n8n;
}
