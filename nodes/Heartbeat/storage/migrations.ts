/**
 * Versioned schema changes, applied in order and recorded in `heartbeat_migrations`. Append new versions;
 * never edit an applied one. `{sources}`, `{queue}` and `{migrations}` stand for the (schema-qualified) tables.
 */
export interface Migration {
	version: number;
	postgres: string[];
	sqlite: string[];
}

export const migrationsTable = {
	postgres:
		'CREATE TABLE IF NOT EXISTS {migrations} (version integer PRIMARY KEY, applied_at bigint NOT NULL)',
	sqlite:
		'CREATE TABLE IF NOT EXISTS {migrations} (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
};

const sourceColumns = (types: { time: string; json: string }) => `
	source text PRIMARY KEY,
	last_seen ${types.time},
	last_status text,
	metadata ${types.json},
	base_url text,
	state text NOT NULL DEFAULT 'unknown',
	state_since ${types.time},
	recovered_at ${types.time},
	last_reminder_at ${types.time},
	lease_owner text,
	lease_until ${types.time}`;

const queueColumns = (types: { id: string; time: string; json: string; bytes: string }) => `
	id ${types.id},
	source text NOT NULL,
	method text NOT NULL,
	path text NOT NULL,
	headers ${types.json} NOT NULL,
	body ${types.bytes},
	idempotency_key text NOT NULL,
	status text NOT NULL DEFAULT 'pending',
	attempts integer NOT NULL DEFAULT 0,
	created_at ${types.time} NOT NULL,
	next_attempt_at ${types.time} NOT NULL,
	delivered_at ${types.time},
	failed_at ${types.time},
	last_error text,
	last_status integer,
	UNIQUE (source, idempotency_key)`;

const indexes = [
	"CREATE INDEX heartbeat_queue_pending ON {queue} (source, id) WHERE status = 'pending'",
	"CREATE INDEX heartbeat_queue_dead ON {queue} (source, id) WHERE status = 'dead'",
	"CREATE INDEX heartbeat_queue_delivered ON {queue} (delivered_at) WHERE status = 'delivered'",
];

const pgTypes = { id: 'bigserial PRIMARY KEY', time: 'bigint', json: 'jsonb', bytes: 'bytea' };
// AUTOINCREMENT: ids are never reused, so "after id N" keeps meaning FIFO even after deletes.
const sqliteTypes = {
	id: 'INTEGER PRIMARY KEY AUTOINCREMENT',
	time: 'INTEGER',
	json: 'TEXT',
	bytes: 'BLOB',
};

export const migrations: Migration[] = [
	{
		version: 1,
		postgres: [
			`CREATE TABLE {sources} (${sourceColumns(pgTypes)})`,
			`CREATE TABLE {queue} (${queueColumns(pgTypes)})`,
			...indexes,
		],
		sqlite: [
			`CREATE TABLE {sources} (${sourceColumns(sqliteTypes)})`,
			`CREATE TABLE {queue} (${queueColumns(sqliteTypes)})`,
			...indexes,
		],
	},
	{
		// Forward or Enqueue stores a request before forwarding it (its idempotency key claimed) and keeps
		// home's answer; requests home refused for good are 'rejected' until the window purges them.
		version: 2,
		postgres: [
			'ALTER TABLE {queue} ADD COLUMN forwarded_status integer',
			"CREATE INDEX heartbeat_queue_rejected ON {queue} (failed_at) WHERE status = 'rejected'",
		],
		sqlite: [
			'ALTER TABLE {queue} ADD COLUMN forwarded_status INTEGER',
			"CREATE INDEX heartbeat_queue_rejected ON {queue} (failed_at) WHERE status = 'rejected'",
		],
	},
];
