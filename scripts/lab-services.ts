/**
 * What the lab runs beside the local n8n (`npm start`), all on fixed loopback ports: a real Caddy playing
 * the VPS, the Vultr, Tailscale, Headscale and Cloudflare simulators, and a small "home" service that
 * routes can be published to. The simulators and the home service live in this process; Caddy is a child
 * process in its own process group, stopped by its PID.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';

import { createCloudflareSimulator } from '../test/simulators/cloudflare';
import { createHeadscaleSimulator } from '../test/simulators/headscale';
import { createTailscaleSimulator } from '../test/simulators/tailscale';
import { createVultrSimulator } from '../test/simulators/vultr';
import { ensureDebianBinary } from '../test/support/servers';

export const LAB_HOST = '127.0.0.1';
export const DEFAULT_LAB_BASE_PORT = 5680;
/** The Cloudflare simulator's zone, for the DNS step of the route workflows. */
export const LAB_DNS_ZONE = 'lab.example';
/** Simulated instances become ready this long after Create (the real Vultr takes a minute or two). */
const VULTR_BOOT_MS = 15_000;
const CADDY_READY_TIMEOUT_MS = 30_000;
const CADDY_STOP_GRACE_MS = 5_000;

export interface LabPorts {
	caddyAdmin: number;
	ingress: number;
	home: number;
	vultr: number;
	tailscale: number;
	headscale: number;
	cloudflare: number;
}

const PORT_ROLES: Record<keyof LabPorts, string> = {
	caddyAdmin: "the lab Caddy's admin API",
	ingress: "the lab Caddy's ingress server",
	home: 'the home service',
	vultr: 'the Vultr simulator',
	tailscale: 'the Tailscale simulator',
	headscale: 'the Headscale simulator',
	cloudflare: 'the Cloudflare simulator',
};

/** Seven consecutive ports from `base`. */
export function labPorts(base: number): LabPorts {
	if (!Number.isInteger(base) || base < 1024 || base > 65_535 - 6)
		throw new Error(`HLI_LAB_BASE_PORT must be a port from 1024 to 65529, not ${base}`);
	return {
		caddyAdmin: base,
		ingress: base + 1,
		home: base + 2,
		vultr: base + 3,
		tailscale: base + 4,
		headscale: base + 5,
		cloudflare: base + 6,
	};
}

/** Fails before anything starts when a lab port is taken, naming what it is for and how to move it. */
export async function assertLabPortsFree(ports: LabPorts): Promise<void> {
	for (const [role, port] of Object.entries(ports) as Array<[keyof LabPorts, number]>) {
		const free = await new Promise<boolean>((resolve) => {
			const probe = createNetServer();
			probe.once('error', () => resolve(false));
			probe.listen(port, LAB_HOST, () => probe.close(() => resolve(true)));
		});
		if (!free) {
			throw new Error(
				`${LAB_HOST}:${port} (${PORT_ROLES[role]}) is already in use; stop what uses it, or set ` +
					`HLI_LAB_BASE_PORT to move the lab's seven ports (now ${ports.caddyAdmin}-${ports.cloudflare})`,
			);
		}
	}
}

export interface Stoppable {
	stop(): Promise<void>;
}

export interface HomeService extends Stoppable {
	/** The upstream address to publish, `127.0.0.1:<port>`. */
	address: string;
}

/** The greeting the home service answers every request with, followed by the method and path. */
export const HOME_GREETING = "Hello from home: the lab's home service answered";

export async function startHomeService(port: number): Promise<HomeService> {
	const server = createHttpServer((request, response) => {
		response.setHeader('Content-Type', 'text/plain; charset=utf-8');
		response.end(`${HOME_GREETING} ${request.method} ${request.url}\n`);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, LAB_HOST, resolve);
	});
	return {
		address: `${LAB_HOST}:${port}`,
		async stop() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

export interface Simulators extends Stoppable {
	vultrUrl: string;
	tailscaleUrl: string;
	headscaleUrl: string;
	cloudflareUrl: string;
}

/** The cloud API simulators, with their documented test keys (see test/simulators). */
export async function startSimulators(ports: LabPorts): Promise<Simulators> {
	// No conformance checks against the API descriptions: that is the tests' job, and it slows the start.
	const vultr = createVultrSimulator({ bootMs: VULTR_BOOT_MS, conformance: false });
	const tailscale = createTailscaleSimulator({ conformance: false });
	const headscale = createHeadscaleSimulator({ conformance: false });
	const cloudflare = createCloudflareSimulator();
	cloudflare.addZone(LAB_DNS_ZONE);
	const all = [vultr, tailscale, headscale, cloudflare];
	const stop = async () => {
		await Promise.all(all.map((simulator) => simulator.close()));
	};
	try {
		return {
			vultrUrl: await vultr.listen(ports.vultr, LAB_HOST),
			tailscaleUrl: await tailscale.listen(ports.tailscale, LAB_HOST),
			headscaleUrl: await headscale.listen(ports.headscale, LAB_HOST),
			cloudflareUrl: await cloudflare.listen(ports.cloudflare, LAB_HOST),
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

export interface LabCaddy extends Stoppable {
	adminUrl: string;
	binary: string;
	pid: number;
}

function caddyOnPath(): string {
	return spawnSync('sh', ['-c', 'command -v caddy'], { encoding: 'utf8' }).stdout.trim();
}

/** A `caddy` on PATH, else Debian's package installed when we are root. Returns the binary or why not. */
export function findCaddy(say: (text: string) => void): { binary: string } | { reason: string } {
	if (!caddyOnPath() && process.getuid?.() === 0)
		say("lab: no caddy on PATH; installing Debian's caddy package (apt-get install -y caddy) …");
	const reason = ensureDebianBinary('caddy', 'caddy');
	return reason ? { reason } : { binary: caddyOnPath() };
}

/**
 * Starts Caddy with only its admin API (on the lab's port, config not persisted): the `ingress` server
 * is then created by the package's own Server → Ensure, as a user would. Its state and log live in `dir`.
 */
export async function startLabCaddy(
	binary: string,
	dir: string,
	ports: LabPorts,
): Promise<LabCaddy> {
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	const configFile = join(dir, 'caddy.json');
	const logFile = join(dir, 'caddy.log');
	const adminUrl = `http://${LAB_HOST}:${ports.caddyAdmin}`;
	writeFileSync(
		configFile,
		JSON.stringify({
			admin: { listen: `${LAB_HOST}:${ports.caddyAdmin}`, config: { persist: false } },
			logging: { logs: { default: { level: 'WARN' } } },
		}),
	);
	const log = openSync(logFile, 'w', 0o600);
	const child = spawn(binary, ['run', '--config', configFile], {
		cwd: dir,
		env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir },
		stdio: ['ignore', log, log],
		// Its own process group: Ctrl-C in a terminal reaches only the lab runner, which stops it by PID.
		detached: true,
	});
	closeSync(log);
	if (!child.pid) throw new Error(`could not start ${binary}`);
	const pid = child.pid;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const alive = () => child.exitCode === null && child.signalCode === null;
	const stop = async () => {
		if (!alive()) return;
		process.kill(pid, 'SIGTERM');
		const timer = setTimeout(() => alive() && process.kill(pid, 'SIGKILL'), CADDY_STOP_GRACE_MS);
		await exited;
		clearTimeout(timer);
	};
	const deadline = Date.now() + CADDY_READY_TIMEOUT_MS;
	for (;;) {
		const ready = await fetch(`${adminUrl}/config/`, { signal: AbortSignal.timeout(2_000) }).then(
			(response) => response.ok,
			() => false,
		);
		if (ready) return { adminUrl, binary, pid, stop };
		if (!alive() || Date.now() > deadline) {
			await stop();
			const tail = readFileSync(logFile, 'utf8').slice(-2_000);
			throw new Error(
				`Caddy's admin API did not come up on ${adminUrl} (log ${logFile}):\n${tail}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}
