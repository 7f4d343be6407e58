/**
 * `npm start` as a user runs it, in a fresh home folder (so a fresh instance folder under ~/.cache; only the
 * n8n install is reused, through HLI_N8N_BIN): the banner appears; the README's quick-start commands (taken
 * from the README itself) and the banner's commands publish the home service, serve it through the lab's
 * Caddy and unpublish it; a seeded workflow archived and a credential deleted in the editor are back after
 * the next start; n8n attempted no connection and no DNS query outside this machine; Ctrl-C stops every
 * process of the lab; the checkout is exactly as before.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

import { HOME_GREETING } from '../../scripts/lab-services';
import { login } from '../../scripts/n8n-instance';
import { httpCall } from '../support/http';
import {
	alive,
	commandLine,
	commandsOf,
	portOpen,
	processTree,
	runAsPasted,
	startLab,
	stopLab,
	type RunningLab,
} from '../support/lab';
import { describeWithN8n, n8nBin } from '../support/n8n';
import { describeWithServer } from '../support/servers';

const PROJECT_DIR = join(__dirname, '..', '..');
const N8N_URL = 'http://127.0.0.1:5678';
const INGRESS_PORT = 5681;
const LAB_PORTS = [5678, 5680, 5681, 5682, 5683, 5684, 5685, 5686];
const ROUTE_HOST = 'app.lab.example';
const INSTANCE_DIR = '.cache/n8n-nodes-homelab-ingress/local-instance';
const START_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 60_000;

jest.setTimeout(60_000);

/** The README's quick-start block that uses the running lab (the one that sources lab.env). */
function readmeQuickStart(): string[] {
	const readme = readFileSync(join(PROJECT_DIR, 'README.md'), 'utf8');
	const section = readme.split(/^## /m).find((part) => part.startsWith('Quick start'));
	if (!section) throw new Error('README.md has no "## Quick start" section');
	const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((match) => match[1]);
	const block = blocks.find((candidate) => candidate.includes('lab.env'));
	if (!block) throw new Error('the Quick start section has no sh block that sources lab.env');
	return commandsOf(block);
}

/** The commands the banner prints under its "Publish a route …" line, as printed. */
function bannerCommands(output: string): string[] {
	const lines = output.split('\n');
	const start = lines.findIndex((line) => line.startsWith('Publish a route to the home service'));
	if (start < 0) throw new Error(`the banner prints no commands:\n${output.slice(-3_000)}`);
	const end = lines.findIndex((line, index) => index > start && line.trim() === '');
	return lines.slice(start + 1, end).map((line) => line.trim());
}

/** Tracked changes, untracked files and the content of changed files: what `npm start` must not alter. */
function checkoutState(): string {
	const git = (...args: string[]) =>
		spawnSync('git', args, { cwd: PROJECT_DIR, encoding: 'utf8' }).stdout;
	return [git('status', '--porcelain', '--untracked-files=all'), git('diff', 'HEAD')].join('\n');
}

describeWithServer('caddy', 'npm start: the lab', () => {
	describeWithN8n('with the cached n8n, in a fresh home folder', () => {
		let home: string;
		let netLog: string;
		let env: NodeJS.ProcessEnv;
		let lab: RunningLab | undefined;
		const labs: RunningLab[] = [];
		let before: string;

		const start = async () => {
			lab = await startLab(PROJECT_DIR, env, START_TIMEOUT_MS);
			labs.push(lab);
			process.stdout.write(`npm start: banner after ${lab.startSeconds.toFixed(1)} s\n`);
			return lab;
		};
		const secrets = () =>
			JSON.parse(readFileSync(join(home, INSTANCE_DIR, 'local-instance.json'), 'utf8')) as {
				ownerPassword: string;
			};
		const ownerCookie = async () =>
			await login(N8N_URL, {
				email: 'owner@homelab.local',
				password: secrets().ownerPassword,
				firstName: '',
				lastName: '',
			});
		const rest = async (cookie: string, method: string, path: string) => {
			const response = await fetch(`${N8N_URL}/rest${path}`, {
				method,
				headers: { Cookie: cookie, 'Content-Type': 'application/json' },
				body: method === 'GET' ? undefined : '{}',
				signal: AbortSignal.timeout(15_000),
			});
			return { status: response.status, body: (await response.json()) as { data?: unknown } };
		};

		/** Publishes, fetches and unpublishes as the commands do, and checks what each answered. */
		const expectRoundTrip = async (commands: string[]) => {
			expect(commands).toHaveLength(4);
			expect(commands[0]).toMatch(/^\. \S*lab\.env$/);
			const results = runAsPasted(commands, PROJECT_DIR, home);
			const answerOf = (pattern: RegExp) => {
				const matching = results.filter((result) => pattern.test(result.command));
				expect(matching).toHaveLength(1);
				return matching[0].output;
			};
			expect(JSON.parse(answerOf(/-X POST/))).toEqual({
				host: ROUTE_HOST,
				upstreams: ['127.0.0.1:5682'],
				routeId: `homelab-ingress_${ROUTE_HOST}@ingress`,
				action: 'created',
				dns: false,
			});
			expect(answerOf(/-H 'Host: /)).toBe(`${HOME_GREETING} GET /`);
			expect(JSON.parse(answerOf(/-X DELETE/))).toEqual({
				host: ROUTE_HOST,
				removed: true,
				stillServed: false,
				dns: false,
			});
			const after = await httpCall(INGRESS_PORT, { host: ROUTE_HOST });
			expect(after.body).not.toContain(HOME_GREETING);
		};

		/** Ctrl-C, then every process that ran below npm has exited and the lab's ports are closed. */
		const stop = async (running: RunningLab) => {
			await stopLab(running.child, running.pids, STOP_TIMEOUT_MS);
			for (const port of LAB_PORTS) expect([port, await portOpen(port)]).toEqual([port, false]);
		};

		beforeAll(async () => {
			before = checkoutState();
			for (const port of LAB_PORTS) {
				if (await portOpen(port))
					throw new Error(`port ${port} is in use: the lab's fixed default ports must be free`);
			}
			home = mkdtempSync(join(tmpdir(), 'hli-lab-home-'));
			netLog = join(home, 'outside-calls.jsonl');
			writeFileSync(netLog, '');
			env = {
				...process.env,
				HOME: home,
				HLI_N8N_BIN: n8nBin,
				HLI_N8N_NET_LOG: netLog,
				// The user's npm cache, so the package's runtime dependencies install without the registry.
				npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
			};
			for (const name of ['XDG_CACHE_HOME', 'HOMELAB_INGRESS_CACHE', 'NODE_ENV']) delete env[name];
			await start();
		}, START_TIMEOUT_MS + 10_000);

		afterAll(async () => {
			// Only when a test failed before the last stop.
			for (const running of labs.filter((candidate) => candidate.pids.some(alive))) {
				const pids = [...running.pids, ...processTree(running.child.pid!)];
				await stopLab(running.child, pids, STOP_TIMEOUT_MS).catch(() =>
					pids.filter(alive).forEach((pid) => process.kill(pid, 'SIGKILL')),
				);
			}
			if (home) rmSync(home, { recursive: true, force: true });
		}, STOP_TIMEOUT_MS + 10_000);

		it('prints a banner that says Caddy, n8n and the lab credentials are there, without the webhook token', () => {
			const output = lab!.output();
			expect(output).toMatch(
				/Caddy \(the VPS\): admin API http:\/\/127\.0\.0\.1:5680, server "ingress" on http:\/\/127\.0\.0\.1:5681/,
			);
			expect(output).toContain('Caddy admin API (lab)');
			const envFile = readFileSync(join(home, INSTANCE_DIR, 'lab.env'), 'utf8');
			const token = /HLI_LAB_TOKEN='([^']+)'/.exec(envFile)?.[1];
			expect(token).toMatch(/^[\w-]{20,}$/);
			expect(output).not.toContain(token);
		});

		it("runs the README's quick-start commands as written: the home service is published, served through Caddy, unpublished", async () => {
			await expectRoundTrip(readmeQuickStart());
		});

		it("runs the banner's commands as printed, with the same result", async () => {
			await expectRoundTrip(bannerCommands(lab!.output()));
		});

		it(
			'the next start brings back a seeded workflow archived and a credential deleted in the editor',
			async () => {
				const first = lab!;
				const cookie = await ownerCookie();
				expect((await rest(cookie, 'POST', '/workflows/hliPublishRoute01/archive')).status).toBe(
					200,
				);
				expect((await rest(cookie, 'DELETE', '/credentials/hliCaddyAdmin01')).status).toBe(200);
				await stop(first);

				await start();
				const again = await ownerCookie();
				const workflow = await rest(again, 'GET', '/workflows/hliPublishRoute01');
				expect(workflow.body.data).toMatchObject({ isArchived: false, active: true });
				const credential = await rest(again, 'GET', '/credentials/hliCaddyAdmin01');
				expect(credential.body.data).toMatchObject({ name: 'Caddy admin API (lab)' });
				await expectRoundTrip(readmeQuickStart());
			},
			START_TIMEOUT_MS + STOP_TIMEOUT_MS + 30_000,
		);

		it('n8n made no connection and no DNS query outside this machine, in any of its processes', async () => {
			// What the editor asks for first: settings, vetted community nodes, installed packages.
			const cookie = await ownerCookie();
			for (const path of ['/settings', '/community-node-types', '/community-packages'])
				expect([path, (await rest(cookie, 'GET', path)).status]).toEqual([path, 200]);
			const entries = readFileSync(netLog, 'utf8')
				.split('\n')
				.filter(Boolean)
				.map((line) => JSON.parse(line) as { kind: string; target: string });
			const preloaded = entries.filter((entry) => entry.kind === 'preloaded');
			// The recorder ran in n8n's server processes, their task runners and the CLI imports.
			expect(preloaded.some((entry) => / start$/.test(entry.target))).toBe(true);
			expect(preloaded.some((entry) => entry.target.includes('task-runner'))).toBe(true);
			expect(preloaded.some((entry) => / import:workflow$/.test(entry.target))).toBe(true);
			expect(entries.filter((entry) => entry.kind !== 'preloaded')).toEqual([]);
		});

		it('stops every process of the lab on Ctrl-C and frees its ports', async () => {
			const commands = lab!.pids.map(commandLine).join('\n');
			for (const part of ['local-instance.ts', 'bin/n8n start', 'task-runner', 'caddy run'])
				expect(commands).toContain(part);
			await stop(lab!);
		});

		it('leaves the checkout as it was', () => {
			expect(checkoutState()).toBe(before);
		});
	});
});
