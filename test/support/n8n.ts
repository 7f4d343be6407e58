/**
 * A throw-away real n8n for end-to-end tests: the n8n binary from HLI_N8N_BIN (scripts/test.sh sets it
 * from scripts/install-n8n.sh), a fresh user folder in the temp dir, free loopback ports, random secrets.
 * The install/import/start/publish sequence itself lives in scripts/n8n-instance.ts, shared with `npm start`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	launchN8n,
	randomSecret,
	throwawayInstanceConfig,
	type Owner,
	type RunningN8n,
	type Seed,
} from '../../scripts/n8n-instance';
import { describeUnavailable } from './servers';

export const n8nBin = process.env.HLI_N8N_BIN;

function n8nUnavailableReason(): string | undefined {
	if (!n8nBin)
		return 'HLI_N8N_BIN is not set (scripts/test.sh sets it from scripts/install-n8n.sh)';
	if (!existsSync(n8nBin)) return `HLI_N8N_BIN points at ${n8nBin}, which does not exist`;
	return undefined;
}

/** `describe` that needs a real n8n: see describeUnavailable for when there is none. */
export function describeWithN8n(title: string, body: () => void): void {
	const reason = n8nUnavailableReason();
	if (!reason) describe(title, body);
	else describeUnavailable(title, 'a real n8n', reason);
}

export interface TestN8n {
	baseUrl: string;
	owner: Owner;
	n8n: RunningN8n;
	/**
	 * SIGKILL to n8n's process group (it starts in its own: n8n and its task runner), as a crash or an
	 * out-of-memory kill would end it mid-execution, then n8n again on the same data and port.
	 */
	killAndRestart(): Promise<void>;
	/** Stops n8n by its PID and removes its user folder. */
	stop(): Promise<void>;
}

export async function startTestN8n(seed: Seed): Promise<TestN8n> {
	if (!n8nBin) throw new Error('HLI_N8N_BIN is not set');
	const userFolder = mkdtempSync(join(tmpdir(), 'hli-n8n-'));
	const owner: Owner = {
		email: 'owner@example.com',
		password: randomSecret(),
		firstName: 'Test',
		lastName: 'Owner',
	};
	const config = await throwawayInstanceConfig(n8nBin, userFolder, owner);
	try {
		const first = await launchN8n(config, seed);
		const test: TestN8n = {
			n8n: first,
			baseUrl: first.baseUrl,
			owner,
			async killAndRestart() {
				process.kill(-test.n8n.pid, 'SIGKILL');
				await test.n8n.exited;
				test.n8n = await launchN8n(config, seed);
			},
			async stop() {
				await test.n8n.stop();
				rmSync(userFolder, { recursive: true, force: true });
			},
		};
		return test;
	} catch (error) {
		rmSync(userFolder, { recursive: true, force: true });
		throw error;
	}
}
