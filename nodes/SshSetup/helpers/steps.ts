import type { IDataObject } from 'n8n-workflow';

export interface StepResult extends IDataObject {
	name: string;
	changed: boolean;
	/** Milliseconds. */
	duration: number;
	details: IDataObject;
}

/** What a step reports: whether it changed (or, in check mode, would change) anything, and why. */
export interface StepOutcome {
	changed: boolean;
	details?: IDataObject;
}

export async function timedStep(
	name: string,
	work: () => Promise<StepOutcome>,
): Promise<StepResult> {
	const started = Date.now();
	const outcome = await work();
	return {
		name,
		changed: outcome.changed,
		duration: Date.now() - started,
		details: outcome.details ?? {},
	};
}

/** Parses `key=value` lines that the remote scripts print. */
export function keyValues(text: string): Record<string, string> {
	const result: Record<string, string> = {};
	for (const line of text.split('\n')) {
		const at = line.indexOf('=');
		if (at > 0) result[line.slice(0, at).trim()] = line.slice(at + 1).trim();
	}
	return result;
}
