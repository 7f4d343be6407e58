/**
 * `npm run fetch-specs`: downloads the official API descriptions that the simulator and conformance tests
 * check against (Vultr, Tailscale, Headscale) into the git-ignored api-specs/ folder, for a clone that has
 * no ../shared/specs beside it. Each file comes from a URL pinned to a commit or tag and is kept only when
 * its SHA-256 is the expected one. It needs the internet, so neither the tests nor CI run it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { API_SPECS, FETCHED_SPECS_DIR, type ApiSpec } from '../test/simulators/core/specs';

const DOWNLOAD_TIMEOUT_MS = 60_000;

export type SpecOutcome = 'present' | 'fetched' | 'failed';

export interface SpecResult {
	file: string;
	outcome: SpecOutcome;
	/** Why it failed: the HTTP status, the network error or the checksum that did not match. */
	reason?: string;
}

function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

async function download(url: string): Promise<Buffer> {
	const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
	if (!response.ok) throw new Error(`HTTP ${response.status}`);
	return Buffer.from(await response.arrayBuffer());
}

async function fetchSpec(dir: string, spec: ApiSpec): Promise<SpecResult> {
	const target = join(dir, spec.file);
	if (existsSync(target) && sha256(readFileSync(target)) === spec.sha256)
		return { file: spec.file, outcome: 'present' };
	let data: Buffer;
	try {
		data = await download(spec.url);
	} catch (error) {
		return { file: spec.file, outcome: 'failed', reason: (error as Error).message };
	}
	const actual = sha256(data);
	if (actual !== spec.sha256)
		return {
			file: spec.file,
			outcome: 'failed',
			reason: `SHA-256 ${actual}, expected ${spec.sha256}`,
		};
	// Written beside the target and renamed, so a test never reads half a file.
	const partial = `${target}.partial`;
	writeFileSync(partial, data);
	renameSync(partial, target);
	return { file: spec.file, outcome: 'fetched' };
}

/** Brings every description into `dir`; files already there with the right checksum are kept. */
export async function fetchSpecs(dir: string, specs: ApiSpec[] = API_SPECS): Promise<SpecResult[]> {
	mkdirSync(dir, { recursive: true });
	const results: SpecResult[] = [];
	for (const spec of specs) results.push(await fetchSpec(dir, spec));
	return results;
}

async function main(): Promise<void> {
	const results = await fetchSpecs(FETCHED_SPECS_DIR);
	for (const { file, outcome, reason } of results)
		process.stdout.write(`${outcome.padEnd(8)} ${file}${reason ? `: ${reason}` : ''}\n`);
	const failed = results.filter((result) => result.outcome === 'failed');
	if (failed.length) {
		process.stderr.write(`fetch-specs: ${failed.length} of ${results.length} could not be had\n`);
		process.exit(1);
	}
	process.stdout.write(`API descriptions are in ${FETCHED_SPECS_DIR}\n`);
}

if (require.main === module) void main();
