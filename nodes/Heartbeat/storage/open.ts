import { homedir } from 'node:os';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';

import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';
import type { PoolConfig } from 'pg';

import { InputError } from '../../../lib/validation';
import { PostgresStore } from './postgres';
import { n8nRunsInQueueMode } from './queueMode';
import { SqliteStore } from './sqlite';
import type { HeartbeatStore } from './types';
import { quoted } from '../../../lib/errors';

export const POSTGRES_CREDENTIAL = 'homelabPostgresApi';
const SCHEMA = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** n8n's own user folder (`N8N_USER_FOLDER`, else the home directory) + `.n8n/`. */
export function defaultDatabaseFile(): string {
	return join(process.env.N8N_USER_FOLDER ?? homedir(), '.n8n', 'homelab-ingress-heartbeat.sqlite');
}

export function postgresConfig(credentials: ICredentialDataDecryptedObject): {
	pool: PoolConfig;
	schema: string;
} {
	const schema = String(credentials.schema || 'public');
	if (!SCHEMA.test(schema))
		throw new InputError('Schema', `${quoted(schema)} is not a plain PostgreSQL identifier`);
	const sslMode = String(credentials.ssl ?? 'disable');
	let ssl: boolean | ConnectionOptions = false;
	if (sslMode === 'require') ssl = { rejectUnauthorized: false };
	if (sslMode === 'verifyFull') {
		ssl = {
			rejectUnauthorized: true,
			...(credentials.caCertificate ? { ca: String(credentials.caCertificate) } : {}),
		};
	}
	return {
		schema,
		pool: {
			host: String(credentials.host),
			port: Number(credentials.port || 5432),
			database: String(credentials.database),
			user: String(credentials.user),
			password: String(credentials.password ?? ''),
			ssl,
			connectionTimeoutMillis: 10_000,
			statement_timeout: 30_000,
			application_name: 'n8n-nodes-homelab-ingress',
		},
	};
}

/** How long an unused store stays open for the next execution. */
const IDLE_CLOSE_MS = 5 * 60_000;

interface OpenStore {
	store: Promise<HeartbeatStore>;
	idle?: NodeJS.Timeout;
}

/**
 * Stores stay open between executions, one per SQLite file or PostgreSQL server+schema: a relay call
 * then costs one insert, not a new connection (or file open) and a migration check. A store nobody
 * used for IDLE_CLOSE_MS is closed.
 */
const openStores = new Map<string, OpenStore>();

async function shared(key: string, open: () => Promise<HeartbeatStore>): Promise<HeartbeatStore> {
	let entry = openStores.get(key);
	if (!entry) {
		const created: OpenStore = { store: open() };
		entry = created;
		openStores.set(key, created);
		created.store.catch(() => openStores.delete(key));
	}
	clearTimeout(entry.idle);
	const current = entry;
	current.idle = setTimeout(() => {
		openStores.delete(key);
		void current.store.then(async (store) => await store.close()).catch(() => undefined);
	}, IDLE_CLOSE_MS);
	current.idle.unref();
	return await current.store;
}

/** The embedded store refuses to run in queue mode: each worker would keep its own file. */
export function assertEmbeddedStoreAllowed(inQueueMode = n8nRunsInQueueMode()): void {
	if (!inQueueMode) return;
	throw new InputError(
		'Storage',
		'the embedded SQLite store cannot be used while n8n runs in queue mode (EXECUTIONS_MODE=queue): ' +
			'each worker would keep its own file, so beats, leases and queued requests would not be shared. ' +
			'Set Storage to PostgreSQL and pick a homelabPostgresApi credential in every Heartbeat node',
	);
}

/** The store the node's "Storage" parameter picks, with its tables created or migrated. Not to be closed by callers. */
export async function openStore(this: IExecuteFunctions): Promise<HeartbeatStore> {
	const storage = this.getNodeParameter('storage', 0) as string;
	if (storage === 'postgres') {
		const { pool, schema } = postgresConfig(await this.getCredentials(POSTGRES_CREDENTIAL));
		const key = createHash('sha256').update(JSON.stringify({ pool, schema })).digest('hex');
		return await shared(`postgres:${key}`, async () => {
			// allowExitOnIdle: idle connections never keep n8n (or a test run) from exiting.
			const store = new PostgresStore({
				pool: { ...pool, max: 10, allowExitOnIdle: true },
				schema,
			});
			await store.migrate().catch(async (error: unknown) => {
				await store.close();
				throw error;
			});
			return store;
		});
	}
	// Before the file is opened: a queue-mode worker would write a file the other workers never see.
	assertEmbeddedStoreAllowed();
	const file = resolve(
		String(this.getNodeParameter('databaseFile', 0, '')).trim() || defaultDatabaseFile(),
	);
	return await shared(`sqlite:${file}`, async () => await SqliteStore.open(file));
}
