/**
 * Wait Until Ready against the Vultr simulator with a 90 s boot, versus naive 1 s polling.
 *
 * Time is the simulator's virtual clock (ManualClock): each "sleep" advances it instead of waiting,
 * so the 90 s boot replays in well under a second. The HTTP calls are real (loopback, through the
 * simulator with spec conformance checks); the schedule is the node's own `pollUntilReady`.
 * Run: npx ts-node --transpile-only bench/vultr-wait-until-ready.bench.ts
 */
import type { IDataObject } from 'n8n-workflow';

import {
	DEFAULT_READINESS,
	isReady,
	pollUntilReady,
	type ReadinessClock,
} from '../nodes/VultrInstance/helpers/readiness';
import { ManualClock } from '../test/simulators/core/clock';
import { createVultrSimulator, VULTR_API_KEY } from '../test/simulators/vultr';

const BOOT_MS = 90_000;

interface Outcome {
	calls: number;
	delayMs: number;
}

type Strategy = (fetch: () => Promise<IDataObject>, clock: ReadinessClock) => Promise<void>;

/** One run: the wait starts `startOffsetMs` after the instance was created (as after a Create step). */
async function measure(
	strategy: Strategy,
	startOffsetMs: number,
	bootMs: number,
): Promise<Outcome> {
	const clock = new ManualClock();
	const sim = createVultrSimulator({ bootMs, clock });
	const url = await sim.listen();
	const headers = { Authorization: `Bearer ${VULTR_API_KEY}`, 'Content-Type': 'application/json' };
	try {
		const created = (await (
			await fetch(`${url}/instances`, {
				method: 'POST',
				headers,
				body: JSON.stringify({ region: 'fra', plan: 'vhf-1c-1gb', os_id: 2284, label: 'bench' }),
			})
		).json()) as { instance: IDataObject };
		const readyAt = clock.now() + bootMs;
		clock.advance(startOffsetMs);
		let calls = 0;
		const get = async () => {
			calls++;
			const response = await fetch(`${url}/instances/${String(created.instance.id)}`, { headers });
			return ((await response.json()) as { instance: IDataObject }).instance;
		};
		await strategy(get, { now: () => clock.now(), sleep: async (ms) => clock.advance(ms) });
		if (sim.violations.length) throw new Error(`spec violations: ${sim.violations.join('; ')}`);
		return { calls, delayMs: clock.now() - readyAt };
	} finally {
		await sim.close();
	}
}

/**
 * Start offsets and boot times spread over a poll interval (boots 88.1-91.9 s around 90 s), so a
 * lucky alignment of the poll schedule with the boot cannot flatter the result.
 */
const OFFSETS_MS = [0, 300, 700, 1_100, 1_500, 1_900, 2_300, 2_700, 3_100, 3_500, 3_900];
const bootFor = (run: number) => BOOT_MS - 1_900 + run * 380;

async function summarize(
	strategy: Strategy,
): Promise<{ calls: number; meanDelayMs: number; worstDelayMs: number }> {
	const runs: Outcome[] = [];
	for (const [run, offset] of OFFSETS_MS.entries())
		runs.push(await measure(strategy, offset, bootFor(run)));
	return {
		calls: runs.reduce((sum, r) => sum + r.calls, 0) / runs.length,
		meanDelayMs: runs.reduce((sum, r) => sum + r.delayMs, 0) / runs.length,
		worstDelayMs: Math.max(...runs.map((r) => r.delayMs)),
	};
}

async function main(): Promise<void> {
	const naive = await summarize(async (get, clock) => {
		while (!isReady(await get())) await clock.sleep(1_000);
	});
	const node = await summarize(async (get, clock) => {
		const result = await pollUntilReady(get, DEFAULT_READINESS, clock);
		if (!result.ready) throw new Error('node strategy timed out');
	});
	const ratio = naive.calls / node.calls;
	const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
	const lines = [
		`Wait Until Ready, simulated ~90 s boot (${OFFSETS_MS.length} runs: boots 88.1-91.9 s, start offsets 0-3.9 s)`,
		`(virtual clock: sleeps advance the simulator's clock; the HTTP calls are real, loopback, spec-checked)`,
		`naive 1 s polling : ${naive.calls.toFixed(1)} API calls/run, detection delay mean ${s(naive.meanDelayMs)}, worst ${s(naive.worstDelayMs)}`,
		`node (backoff)    : ${node.calls.toFixed(1)} API calls/run, detection delay mean ${s(node.meanDelayMs)}, worst ${s(node.worstDelayMs)}`,
		`calls ratio       : ${ratio.toFixed(1)}x fewer (target >= 5x) ${ratio >= 5 ? 'PASS' : 'FAIL'}`,
		`worst delay       : ${s(node.worstDelayMs)} (target <= 5 s) ${node.worstDelayMs <= 5_000 ? 'PASS' : 'FAIL'}`,
	];
	process.stdout.write(`${lines.join('\n')}\n`);
	if (ratio < 5 || node.worstDelayMs > 5_000) process.exitCode = 1;
}

void main();
