/**
 * n8n in queue mode on loopback, for end-to-end tests: a private Redis and PostgreSQL, one `n8n start`
 * main (editor, timers, publishing; production webhooks off), two `n8n worker` processes and one
 * `n8n webhook` processor. Every process has its own user folder with the packed package installed as a
 * community package, as separate machines or containers would. The main starts first (it migrates the
 * database), the others once it is ready. Everything is stopped by PID.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, type QueryResultRow } from 'pg';

import {
	importSeed,
	login,
	publishWorkflows,
	randomSecret,
	startN8n,
	type InstanceConfig,
	type Owner,
	type RunningN8n,
	type Seed,
} from '../../scripts/n8n-instance';
import { installPackage } from '../../scripts/n8n-package';
import { n8nBin } from './n8n';
import { startPostgres, type PostgresServer } from './postgres';
import { freePort } from './process';
import { startRedis, type RedisServer } from './redis';

const N8N_DATABASE = 'n8n';
/** Executions each worker runs at once (n8n's default is 10). */
const WORKER_CONCURRENCY = 10;
const STOP_TIMEOUT_MS = 40_000;

export interface ClusterProcess {
	name: string;
	pid: number;
	/** Ids of the executions this process's log says it started (workers only). */
	executions: Set<string>;
	running(): boolean;
	output(): string;
	/** SIGKILL to its PID (no graceful shutdown), then its own child processes by their PIDs. */
	kill(): Promise<void>;
	/** Graceful stop: SIGTERM to its PID (SIGKILL after a grace period). */
	stop(): Promise<void>;
}

export interface N8nCluster {
	/** The webhook processor: production webhooks (`/webhook/...`) go here. */
	webhookUrl: string;
	/** The main process: editor, REST and public API. */
	mainUrl: string;
	owner: Owner;
	postgres: PostgresServer;
	redis: RedisServer;
	main: ClusterProcess;
	workers: ClusterProcess[];
	webhook: ClusterProcess;
	/** A query on n8n's own database (execution records and the like). */
	query<Row extends QueryResultRow>(text: string, values?: unknown[]): Promise<Row[]>;
	stop(): Promise<void>;
}

/** PIDs of the processes whose parent is `pid` (n8n's task runner, for one). */
function childPids(pid: number): number[] {
	return readdirSync('/proc')
		.filter((entry) => /^\d+$/.test(entry))
		.filter((entry) => {
			try {
				const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
				// The command name in parentheses may hold spaces: the parent PID is the second field after it.
				return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
			} catch {
				return false;
			}
		})
		.map(Number);
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** A worker's log line names every execution it starts: "Worker started execution 12 (job 7)". */
function executionRecorder(executions: Set<string>): (text: string) => void {
	let partial = '';
	return (text) => {
		const lines = (partial + text).split('\n');
		partial = lines.pop() ?? '';
		for (const line of lines) {
			const started = /Worker started execution (\d+)/.exec(line);
			if (started) executions.add(started[1]);
		}
	};
}

function clusterProcess(name: string, n8n: RunningN8n, executions: Set<string>): ClusterProcess {
	let exitCode: number | null | undefined;
	void n8n.exited.then((code) => (exitCode = code));
	return {
		name,
		pid: n8n.pid,
		executions,
		running: () => exitCode === undefined,
		output: () => n8n.output(),
		stop: async () => await n8n.stop(),
		async kill() {
			const children = childPids(n8n.pid);
			process.kill(n8n.pid, 'SIGKILL');
			await n8n.exited;
			for (const child of children) if (alive(child)) process.kill(child, 'SIGKILL');
		},
	};
}

async function createDatabase(postgres: PostgresServer, name: string): Promise<void> {
	const client = new Client({ ...postgres.credentials(), database: 'postgres' });
	await client.connect();
	try {
		await client.query(`CREATE DATABASE ${name}`);
	} finally {
		await client.end();
	}
}

/** What every process of the cluster shares (names from n8n 2.41's own config classes). */
function queueModeEnv(postgres: PostgresServer, redis: RedisServer): Record<string, string> {
	const db = postgres.credentials();
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: db.host,
		DB_POSTGRESDB_PORT: String(db.port),
		DB_POSTGRESDB_DATABASE: N8N_DATABASE,
		DB_POSTGRESDB_USER: db.user,
		DB_POSTGRESDB_PASSWORD: db.password,
		DB_POSTGRESDB_POOL_SIZE: '10',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		N8N_LOG_LEVEL: 'info',
	};
}

/**
 * Starts the cluster. `seedFor` gets the cluster's PostgreSQL (for credentials that point at it) and
 * returns the credentials and workflows to import and the workflows to publish.
 */
export async function startN8nCluster(
	seedFor: (postgres: PostgresServer) => Seed | Promise<Seed>,
): Promise<N8nCluster> {
	if (!n8nBin) throw new Error('HLI_N8N_BIN is not set');
	const bin = n8nBin;
	const folders: string[] = [];
	const running: RunningN8n[] = [];
	let redis: RedisServer | undefined;
	let postgres: PostgresServer | undefined;
	const owner: Owner = {
		email: 'owner@example.com',
		password: randomSecret(),
		firstName: 'Queue',
		lastName: 'Owner',
	};
	const encryptionKey = randomSecret();
	const stopAll = async () => {
		// Webhook processor and workers first, the main last, then the services they use.
		for (const n8n of [...running].reverse()) await n8n.stop();
		await redis?.stop();
		await postgres?.stop();
		for (const folder of folders) rmSync(folder, { recursive: true, force: true });
	};
	try {
		redis = await startRedis();
		postgres = await startPostgres();
		await createDatabase(postgres, N8N_DATABASE);
		const shared = queueModeEnv(postgres, redis);
		const configFor = async (
			role: string,
			extraEnv: Record<string, string>,
			onOutput?: (text: string) => void,
		): Promise<InstanceConfig> => {
			const userFolder = mkdtempSync(join(tmpdir(), `hli-n8n-${role}-`));
			folders.push(userFolder);
			return {
				n8nBin: bin,
				userFolder,
				encryptionKey,
				owner,
				listenAddress: '127.0.0.1',
				port: await freePort(),
				runnerBrokerPort: await freePort(),
				extraEnv: { ...shared, ...extraEnv },
				onOutput,
			};
		};

		const mainConfig = await configFor('main', { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' });
		await installPackage(mainConfig.userFolder);
		const seed = await seedFor(postgres);
		await importSeed(mainConfig, seed, true);
		const main = await startN8n(mainConfig);
		running.push(main);

		const installedNodes = join(mainConfig.userFolder, '.n8n', 'nodes');
		const withPackage = (config: InstanceConfig) => {
			cpSync(installedNodes, join(config.userFolder, '.n8n', 'nodes'), { recursive: true });
			return config;
		};
		const workerConfigs: Array<{ config: InstanceConfig; executions: Set<string> }> = [];
		for (const index of [1, 2]) {
			const executions = new Set<string>();
			const healthPort = await freePort();
			const config = await configFor(
				`worker${index}`,
				{
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					N8N_CONCURRENCY_PRODUCTION_LIMIT: String(WORKER_CONCURRENCY),
				},
				executionRecorder(executions),
			);
			// A worker is ready when its health server says so: that is the port to wait on.
			workerConfigs.push({ config: withPackage({ ...config, port: healthPort }), executions });
		}
		const webhookConfig = withPackage(await configFor('webhook', {}));
		const [worker1, worker2, webhook] = await Promise.all([
			...workerConfigs.map(async ({ config }) => await startN8n(config, undefined, 'worker')),
			startN8n(webhookConfig, undefined, 'webhook'),
		]);
		running.push(worker1, worker2, webhook);

		const cookie = await login(main.baseUrl, owner);
		await publishWorkflows(main.baseUrl, cookie, seed.publish);

		const n8nDatabase = { ...postgres.credentials(), database: N8N_DATABASE };
		return {
			webhookUrl: webhook.baseUrl,
			mainUrl: main.baseUrl,
			owner,
			postgres,
			redis,
			main: clusterProcess('main', main, new Set()),
			workers: [worker1, worker2].map((worker, index) =>
				clusterProcess(`worker${index + 1}`, worker, workerConfigs[index].executions),
			),
			webhook: clusterProcess('webhook', webhook, new Set()),
			async query(text, values) {
				const client = new Client(n8nDatabase);
				await client.connect();
				try {
					return (await client.query(text, values)).rows;
				} finally {
					await client.end();
				}
			},
			stop: stopAll,
		};
	} catch (error) {
		const logs = running.map((n8n) => n8n.output().slice(-3_000)).join('\n----\n');
		await Promise.race([
			stopAll(),
			new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref()),
		]);
		throw new Error(`${(error as Error).message}\n${logs}`);
	}
}
