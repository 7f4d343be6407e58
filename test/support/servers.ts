/**
 * Real servers for the tests (Caddy today; the others follow the same rules): found on PATH or
 * installed from Debian's packages when running as root, started on free loopback ports, stopped by PID.
 * Under CI=true a server that cannot be had fails the run; elsewhere its tests are skipped with the reason.
 */
import { spawnSync } from 'node:child_process';

export const inCI = process.env.CI === 'true';

export interface Availability {
	available: boolean;
	reason?: string;
}

function which(binary: string): string | undefined {
	const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
	return found.status === 0 ? found.stdout.trim() : undefined;
}

/** Makes sure `binary` exists, installing the Debian package when we are root. Returns why not, if not. */
export function ensureDebianBinary(binary: string, debPackage: string): string | undefined {
	if (which(binary)) return undefined;
	if (process.getuid?.() !== 0) return `${binary} is not installed and installing ${debPackage} needs root`;
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	let install = spawnSync('apt-get', ['install', '-y', '-qq', debPackage], { env, encoding: 'utf8', timeout: 600_000 });
	if (install.status !== 0) {
		spawnSync('apt-get', ['update', '-qq'], { env, timeout: 300_000 });
		install = spawnSync('apt-get', ['install', '-y', '-qq', debPackage], { env, encoding: 'utf8', timeout: 600_000 });
	}
	if (install.status !== 0 || !which(binary)) {
		return `apt-get install ${debPackage} failed: ${(install.stderr || install.error?.message || '').slice(-300)}`;
	}
	return undefined;
}

const ENV_PREFIX = 'HLI_SERVER_UNAVAILABLE_';

/** Called from Jest's global setup: records availability in the environment the test workers inherit. */
export function prepareServer(name: string, binary: string, debPackage: string): void {
	const reason = ensureDebianBinary(binary, debPackage);
	if (!reason) return;
	if (inCI) throw new Error(`CI needs ${name}: ${reason}`);
	process.env[ENV_PREFIX + name.toUpperCase()] = reason;
	process.stderr.write(`\n[skip] tests that need ${name} are skipped: ${reason}\n`);
}

export function serverAvailability(name: string): Availability {
	const reason = process.env[ENV_PREFIX + name.toUpperCase()];
	return reason ? { available: false, reason } : { available: true };
}

/** `describe` that skips, visibly, when a server is unavailable (never under CI: global setup fails first). */
export function describeWithServer(name: string, title: string, body: () => void): void {
	const availability = serverAvailability(name);
	if (availability.available) {
		describe(title, body);
	} else {
		describe(`${title} [skipped: ${availability.reason}]`, () => {
			it.skip(`needs ${name}`, () => undefined);
		});
	}
}
