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

/**
 * Installs a Debian package when `present()` says it is missing, as root (apt-get update once if the
 * package lists are stale). Returns why it could not be had, or undefined when it is there.
 */
export function ensureDebianPackage(
	debPackage: string,
	present: () => boolean,
): string | undefined {
	if (present()) return undefined;
	if (process.getuid?.() !== 0)
		return `${debPackage} is not installed and installing it needs root`;
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const install = () =>
		spawnSync('apt-get', ['install', '-y', '-qq', debPackage], {
			env,
			encoding: 'utf8',
			timeout: 600_000,
		});
	let result = install();
	if (result.status !== 0) {
		spawnSync('apt-get', ['update', '-qq'], { env, timeout: 300_000 });
		result = install();
	}
	if (result.status !== 0 || !present()) {
		return `apt-get install ${debPackage} failed: ${(result.stderr || result.error?.message || '').slice(-300)}`;
	}
	return undefined;
}

/** Makes sure `binary` exists, installing the Debian package when we are root. Returns why not, if not. */
export function ensureDebianBinary(binary: string, debPackage: string): string | undefined {
	return ensureDebianPackage(debPackage, () => which(binary) !== undefined);
}

const ENV_PREFIX = 'HLI_SERVER_UNAVAILABLE_';

/** Records (for the test workers) that a server cannot be had; under CI that fails the run instead. */
export function markUnavailable(name: string, reason: string): void {
	if (inCI) throw new Error(`CI needs ${name}: ${reason}`);
	process.env[ENV_PREFIX + name.toUpperCase()] = reason;
	process.stderr.write(`\n[skip] tests that need ${name} are skipped: ${reason}\n`);
}

/** Called from Jest's global setup: records availability in the environment the test workers inherit. */
export function prepareServer(name: string, binary: string, debPackage: string): void {
	const reason = ensureDebianBinary(binary, debPackage);
	if (reason) markUnavailable(name, reason);
}

export function serverAvailability(name: string): Availability {
	const reason = process.env[ENV_PREFIX + name.toUpperCase()];
	return reason ? { available: false, reason } : { available: true };
}

/**
 * What stands in for a block of tests whose prerequisite is missing: a skipped test whose title says
 * why, and under CI=true a failing one instead, so CI never skips what it must prove.
 */
export function describeUnavailable(title: string, needs: string, reason: string): void {
	if (inCI) {
		describe(title, () =>
			it(`needs ${needs}`, () => {
				throw new Error(`CI needs ${needs}: ${reason}`);
			}),
		);
		return;
	}
	// Jest does not print the titles of a fully skipped file, so say why here too.
	process.stderr.write(`\n[skip] ${title}: ${reason}\n`);
	describe(`${title} [skipped: ${reason}]`, () => {
		it.skip(`needs ${needs}: ${reason}`, () => undefined);
	});
}

/** `describe` that needs a real server: see describeUnavailable for when it is missing. */
export function describeWithServer(name: string, title: string, body: () => void): void {
	const availability = serverAvailability(name);
	if (availability.available) describe(title, body);
	else describeUnavailable(title, name, availability.reason ?? 'unavailable');
}
