/**
 * `npm start` driven as a user drives it, for test/e2e/lab.test.ts: started in its own process group (as a
 * terminal's foreground job), stopped with SIGINT to that group (Ctrl-C), its processes found through /proc,
 * and copy-paste commands run in bash as they are written.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

import { waitFor } from './process';

export const BANNER_END = 'Press Ctrl-C to stop the lab.';

export interface RunningLab {
	child: ChildProcess;
	/** Everything npm start printed so far. */
	output(): string;
	/** npm and every process below it when the banner appeared. */
	pids: number[];
	startSeconds: number;
}

export async function startLab(
	projectDir: string,
	env: NodeJS.ProcessEnv,
	timeoutMs: number,
	args: string[] = [],
): Promise<RunningLab> {
	const startedAt = Date.now();
	const child = spawn('npm', ['start', ...(args.length ? ['--', ...args] : [])], {
		cwd: projectDir,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	const keep = (chunk: Buffer) => {
		output += chunk.toString();
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	const exited = () => child.exitCode !== null || child.signalCode !== null;
	try {
		await waitFor(
			'the banner of npm start',
			async () => output.includes(BANNER_END) || exited(),
			timeoutMs,
			250,
		);
		if (!output.includes(BANNER_END))
			throw new Error(`npm start exited (${child.exitCode ?? child.signalCode}) before its banner`);
	} catch (error) {
		await stopLab(child, processTree(child.pid!), 60_000).catch(() => undefined);
		throw new Error(`${(error as Error).message}:\n${output.slice(-5_000)}`);
	}
	return {
		child,
		output: () => output,
		pids: processTree(child.pid!),
		startSeconds: (Date.now() - startedAt) / 1000,
	};
}

/** Ctrl-C: SIGINT to npm's process group; resolves once every one of `pids` has exited. */
export async function stopLab(
	child: ChildProcess,
	pids: number[],
	timeoutMs: number,
): Promise<void> {
	try {
		process.kill(-child.pid!, 'SIGINT');
	} catch {
		// npm is gone already; the wait below still covers the rest
	}
	await waitFor('every process of the lab to exit', async () => !pids.some(alive), timeoutMs);
}

/** A process and all its descendants, by walking /proc. */
export function processTree(root: number): number[] {
	const children = new Map<number, number[]>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
		} catch {
			// the process ended while we looked
		}
	}
	const tree = [root];
	for (let index = 0; index < tree.length; index++) tree.push(...(children.get(tree[index]) ?? []));
	return tree;
}

export function commandLine(pid: number): string {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
	} catch {
		return '';
	}
}

/** Running, and not a zombie waiting for its parent. */
export function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
	} catch {
		return false;
	}
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export async function portOpen(port: number): Promise<boolean> {
	return await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) }).then(
		() => true,
		(error: Error) => !/ECONNREFUSED/.test(String((error.cause as Error)?.message ?? error)),
	);
}

/** Shell commands of a fenced block: continued lines joined, blank and comment-only lines dropped. */
export function commandsOf(block: string): string[] {
	return block
		.replace(/\\\n\s*/g, '')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Runs the commands, unchanged, one after another in one bash (as pasted into a terminal) with the given
 * home folder, and returns each command's output.
 */
export function runAsPasted(
	commands: string[],
	cwd: string,
	home: string,
): Array<{ command: string; output: string }> {
	const marker = (index: number) => `@@command-${index}@@`;
	const script = commands.map((command, index) => `echo ${marker(index)}\n${command}`).join('\n');
	const result = spawnSync('bash', ['-c', script], {
		cwd,
		env: { PATH: process.env.PATH, HOME: home },
		encoding: 'utf8',
		timeout: 60_000,
	});
	if (result.status !== 0) throw new Error(`bash exited ${result.status}: ${result.stderr}`);
	return commands.map((command, index) => {
		const from = result.stdout.indexOf(marker(index)) + marker(index).length;
		const next = result.stdout.indexOf(marker(index + 1));
		return { command, output: result.stdout.slice(from, next < 0 ? undefined : next).trim() };
	});
}
