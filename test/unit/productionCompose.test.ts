/**
 * docs/production/docker-compose.yml, the queue-mode layout docs/production.md describes: every service
 * is hardened (non-root user, read-only root filesystem, no capabilities, no privilege gain, memory, CPU
 * and PID limits), publishes ports only on the tunnel address, and all n8n processes share one
 * encryption key, PostgreSQL and Redis. Checked on the file as written and on what Debian's
 * docker-compose makes of it (`docker-compose config`).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import YAML from 'yaml';

import { describeWithServer } from '../support/servers';

const COMPOSE_FILE = join(__dirname, '..', '..', 'docs', 'production', 'docker-compose.yml');
const TUNNEL_IP = '100.64.0.7';
const ENV = {
	TUNNEL_IP,
	N8N_ENCRYPTION_KEY: 'test-encryption-key',
	POSTGRES_PASSWORD: 'test-postgres-password',
	REDIS_PASSWORD: 'test-redis-password',
	N8N_HOST: 'n8n.example.test',
};

interface Service {
	image?: string;
	user?: string;
	read_only?: boolean;
	cap_drop?: string[];
	security_opt?: string[];
	mem_limit?: string | number;
	cpus?: string | number;
	pids_limit?: number;
	privileged?: boolean;
	network_mode?: string;
	ports?: Array<string | { host_ip?: string; published?: number | string }>;
	command?: string[];
	environment?: Record<string, string>;
}

/** The host address of a published port, in short ("ip:host:container") or long syntax. */
function hostIpOf(port: string | { host_ip?: string }): string | undefined {
	if (typeof port === 'object') return port.host_ip;
	const parts = port.split(':');
	return parts.length === 3 ? parts[0] : undefined;
}

/** Checks every hardening rule on every service; returns what breaks them, as "service: rule". */
function hardeningViolations(services: Record<string, Service>): string[] {
	const broken: string[] = [];
	for (const [name, service] of Object.entries(services)) {
		const rule = (ok: boolean, text: string) => ok || broken.push(`${name}: ${text}`);
		const [uid] = String(service.user ?? '').split(':');
		rule(/^\d+$/.test(uid) && uid !== '0', 'runs as a numeric non-root user');
		rule(service.read_only === true, 'read-only root filesystem');
		rule(
			JSON.stringify(service.cap_drop?.map((cap) => cap.toUpperCase())) === '["ALL"]',
			'cap_drop: [ALL]',
		);
		rule(
			(service.security_opt ?? []).some((option) => /^no-new-privileges(:true)?$/.test(option)),
			'security_opt no-new-privileges',
		);
		rule(service.mem_limit !== undefined && String(service.mem_limit) !== '0', 'a memory limit');
		rule(service.cpus !== undefined && Number(service.cpus) > 0, 'a CPU limit');
		rule(Number(service.pids_limit) > 0, 'a PID limit');
		rule(service.privileged !== true, 'not privileged');
		rule(service.network_mode !== 'host', 'not on the host network');
		for (const port of service.ports ?? [])
			rule(
				hostIpOf(port) === TUNNEL_IP,
				`port ${JSON.stringify(port)} bound to the tunnel address`,
			);
	}
	return broken;
}

function written(): Record<string, Service> {
	const text = readFileSync(COMPOSE_FILE, 'utf8');
	// Interpolate as Compose does, so the rules see the values a deployment gets.
	const interpolated = text.replace(/\$\{(\w+)(?::\?[^}]*)?\}/g, (_, name: string) =>
		name in ENV ? ENV[name as keyof typeof ENV] : `\${${name}}`,
	);
	return (YAML.parse(interpolated, { merge: true }) as { services: Record<string, Service> })
		.services;
}

describe('the production compose file as written', () => {
	const services = written();

	it('has a main, two workers, a webhook processor, PostgreSQL and Redis', () => {
		const commands = Object.values(services).map((service) => service.command?.[0]);
		expect(commands.filter((command) => command === 'start')).toHaveLength(1);
		expect(commands.filter((command) => command === 'worker')).toHaveLength(2);
		expect(commands.filter((command) => command === 'webhook')).toHaveLength(1);
		expect(Object.values(services).some((s) => s.image?.startsWith('postgres:'))).toBe(true);
		expect(Object.values(services).some((s) => s.image?.startsWith('redis:'))).toBe(true);
	});

	it('hardens every service', () => {
		expect(Object.keys(services).length).toBeGreaterThanOrEqual(6);
		expect(hardeningViolations(services)).toEqual([]);
	});

	it('runs every n8n process in queue mode on the same key, database and Redis', () => {
		const n8n = Object.values(services).filter(
			(s) => s.image?.includes('n8nio/n8n') && s.command?.[0] !== 'install',
		);
		const shared = [
			'EXECUTIONS_MODE',
			'N8N_ENCRYPTION_KEY',
			'DB_TYPE',
			'DB_POSTGRESDB_HOST',
			'DB_POSTGRESDB_DATABASE',
			'QUEUE_BULL_REDIS_HOST',
		];
		for (const service of n8n) expect(service.environment?.EXECUTIONS_MODE).toBe('queue');
		for (const name of shared)
			expect(new Set(n8n.map((service) => service.environment?.[name])).size).toBe(1);
		const main = n8n.find((service) => service.command?.[0] === 'start');
		expect(main?.environment?.N8N_DISABLE_PRODUCTION_MAIN_PROCESS).toBe('true');
	});

	it('the rules catch a service that breaks them', () => {
		const broken = structuredClone(services);
		const [first, second] = Object.keys(broken);
		broken[first] = { ...broken[first], user: '0:0', read_only: false, cap_drop: [] };
		broken[second] = { ...broken[second], ports: ['0.0.0.0:5678:5678'], mem_limit: undefined };
		expect(hardeningViolations(broken)).toEqual([
			`${first}: runs as a numeric non-root user`,
			`${first}: read-only root filesystem`,
			`${first}: cap_drop: [ALL]`,
			`${second}: a memory limit`,
			`${second}: port "0.0.0.0:5678:5678" bound to the tunnel address`,
		]);
	});
});

describeWithServer(
	'docker-compose',
	'the production compose file through docker-compose config',
	() => {
		it('is valid, and hardens every service as docker-compose reads it', () => {
			const config = spawnSync(
				'docker-compose',
				['--file', COMPOSE_FILE, '--profile', 'setup', 'config'],
				{ env: { ...process.env, ...ENV }, encoding: 'utf8', timeout: 60_000 },
			);
			expect(config.stderr).toBe('');
			expect(config.status).toBe(0);
			const services = (YAML.parse(config.stdout) as { services: Record<string, Service> })
				.services;
			expect(Object.keys(services).sort()).toEqual(Object.keys(written()).sort());
			expect(hardeningViolations(services)).toEqual([]);
		});

		it('refuses to render without the tunnel address', () => {
			const env: NodeJS.ProcessEnv = { ...process.env, ...ENV };
			delete env.TUNNEL_IP;
			const config = spawnSync('docker-compose', ['--file', COMPOSE_FILE, 'config'], {
				env,
				encoding: 'utf8',
				timeout: 60_000,
			});
			expect(config.status).not.toBe(0);
			expect(config.stderr).toMatch(/TUNNEL_IP/);
		});
	},
);
