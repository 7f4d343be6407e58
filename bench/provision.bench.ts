/**
 * workflows/provision-ingress.json on the lab (issue 11 §4): wall time of a full provision through the form,
 * per phase (from n8n's own execution record: the summed run time of the nodes in each phase), and of the
 * no-change re-run (target: ≤ 15 % of the first run), with the cloud API calls of each (Vultr and Tailscale
 * simulators). The lab is test/support/provisionLab.ts: a real n8n, Vultr instances that are VPS twins,
 * PowerDNS, the Tailscale simulator. Needs root, HLI_N8N_BIN (scripts/install-n8n.sh prints it) and a built
 * dist/ (npm run build).
 */
import { login } from '../scripts/n8n-instance';
import { startProvisionLab, PROVISION_ID, type ProvisionLab } from '../test/support/provisionLab';
import { ensureTwinRootfs } from '../test/support/twin/rootfs';

const TARGET_RATIO = 0.15;

/** The workflow's nodes by phase; nodes not listed (triggers, notes, the summary) count as "other". */
const PHASES: Record<string, string[]> = {
	'input and catalogue checks': [
		'Read Input',
		'Input Valid?',
		'List Regions',
		'List Plans',
		'List Operating Systems',
		'Check Catalog',
		'Catalog OK?',
	],
	'SSH key, firewall, instance': ['Ensure SSH Key', 'Ensure Firewall', 'Create Instance'],
	'wait until ready': ['Wait Until Ready'],
	harden: ['Harden'],
	'tailnet join': ['Which Tunnel', 'Join Tailscale', 'Join Headscale'],
	'Caddy install and server': ['Install Caddy', 'Ensure Server'],
	'DNS sync': ['Sync DNS'],
	'route sync': ['Sync Routes'],
	verify: ['Verify Routes', 'DNS Expectations', 'Verify DNS'],
};

interface NodeRun {
	executionTime?: number;
}

/** The node run times of the workflow's executions, newest first, through n8n's public API. */
async function executionTimes(
	lab: ProvisionLab,
	count: number,
): Promise<Array<Record<string, number>>> {
	const { baseUrl, owner } = lab.n8n;
	const cookie = await login(baseUrl, owner);
	const created = await fetch(`${baseUrl}/rest/api-keys`, {
		method: 'POST',
		headers: { Cookie: cookie, 'Content-Type': 'application/json' },
		body: JSON.stringify({
			label: 'bench',
			scopes: ['execution:read', 'execution:list'],
			expiresAt: null,
		}),
	});
	const key = ((await created.json()) as { data: { rawApiKey: string } }).data.rawApiKey;
	const response = await fetch(
		`${baseUrl}/api/v1/executions?workflowId=${PROVISION_ID}&includeData=true&limit=${count}`,
		{ headers: { 'X-N8N-API-KEY': key } },
	);
	const { data } = (await response.json()) as {
		data: Array<{ data: { resultData: { runData: Record<string, NodeRun[]> } } }>;
	};
	return data.map((execution) =>
		Object.fromEntries(
			Object.entries(execution.data.resultData.runData).map(([node, runs]) => [
				node,
				runs.reduce((sum, run) => sum + (run.executionTime ?? 0), 0),
			]),
		),
	);
}

function byPhase(times: Record<string, number>): Record<string, number> {
	const phases: Record<string, number> = {};
	let other = 0;
	for (const [node, ms] of Object.entries(times)) {
		const phase = Object.keys(PHASES).find((name) => PHASES[name].includes(node));
		if (phase) phases[phase] = (phases[phase] ?? 0) + ms;
		else other += ms;
	}
	return { ...phases, other };
}

const cloudCalls = (lab: ProvisionLab) => lab.vultr.log.length + lab.tailscale.log.length;

async function timedRun(
	lab: ProvisionLab,
): Promise<{ ms: number; calls: number; purchases: number }> {
	const calls = cloudCalls(lab);
	const purchases = lab.purchases().length;
	const started = Date.now();
	const { status } = await lab.submitForm(lab.input());
	if (status !== 200) throw new Error(`the form answered HTTP ${status}`);
	return {
		ms: Date.now() - started,
		calls: cloudCalls(lab) - calls,
		purchases: lab.purchases().length - purchases,
	};
}

async function main(): Promise<void> {
	const { reason } = ensureTwinRootfs();
	if (reason) return console.log(`skipped: the VPS twin is unavailable (${reason})`);
	if (!process.env.HLI_N8N_BIN) return console.log('skipped: HLI_N8N_BIN is not set');
	const lab = await startProvisionLab();
	let ok = false;
	try {
		const first = await timedRun(lab);
		const summariesBefore = lab.ntfy.received.length;
		const rerun = await timedRun(lab);
		const rerunSummary = JSON.parse(lab.ntfy.received[summariesBefore]?.body ?? '{}') as {
			ok?: boolean;
			changedSteps?: string[];
		};
		const [rerunTimes, firstTimes] = await executionTimes(lab, 2);
		const firstPhases = byPhase(firstTimes);
		const rerunPhases = byPhase(rerunTimes);
		console.log('provision-ingress on the lab (form → summary), node run time per phase');
		console.log(`  ${'phase'.padEnd(30)} ${'first run'.padStart(10)} ${'re-run'.padStart(10)}`);
		for (const phase of Object.keys(firstPhases))
			console.log(
				`  ${phase.padEnd(30)} ${(firstPhases[phase] / 1000).toFixed(2).padStart(8)} s ${((rerunPhases[phase] ?? 0) / 1000).toFixed(2).padStart(8)} s`,
			);
		const ratio = rerun.ms / first.ms;
		console.log(
			`  wall time (form submit → answer): first ${(first.ms / 1000).toFixed(2)} s, re-run ${(rerun.ms / 1000).toFixed(2)} s`,
		);
		console.log(
			`  re-run / first run = ${(ratio * 100).toFixed(1)} %  (target ≤ ${TARGET_RATIO * 100} %)`,
		);
		console.log(
			`  cloud API calls (Vultr + Tailscale): first ${first.calls}, re-run ${rerun.calls}; instances bought: first ${first.purchases}, re-run ${rerun.purchases}`,
		);
		console.log(
			`  re-run summary: ok ${rerunSummary.ok}, changed steps [${(rerunSummary.changedSteps ?? []).join(', ')}]`,
		);
		ok =
			ratio <= TARGET_RATIO &&
			first.purchases === 1 &&
			rerun.purchases === 0 &&
			rerunSummary.ok === true &&
			rerunSummary.changedSteps?.length === 0;
	} finally {
		await lab.stop();
	}
	console.log(ok ? 'PASS: all targets met' : 'FAIL: a target was missed');
	process.exitCode = ok ? 0 : 1;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
