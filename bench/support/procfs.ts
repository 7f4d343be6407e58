import { readdirSync, readFileSync } from 'node:fs';

/** The direct children of a process, from /proc (empty once it has exited). */
export function childrenOf(pid: number): number[] {
	try {
		return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
			readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
				.trim()
				.split(/\s+/)
				.filter(Boolean)
				.map(Number),
		);
	} catch {
		return [];
	}
}
