/** Faults a test can inject into a simulator, matched per request in the order they were added. */
export type FaultAction =
	| { kind: 'status'; status: number; retryAfterSeconds?: number }
	/** Close the socket without answering; `after` first applies the request (the change happened). */
	| { kind: 'drop'; when: 'before' | 'after' }
	| { kind: 'latency'; ms: number };

export interface Fault {
	action: FaultAction;
	method?: string;
	path?: RegExp;
	/** How many matching requests it hits before it is used up (default: unlimited). */
	times?: number;
	/** Hit only every n-th matching request (default 1 = each). */
	every?: number;
}

interface ActiveFault extends Fault {
	seen: number;
	hits: number;
}

export class FaultPlan {
	private faults: ActiveFault[] = [];

	add(fault: Fault): void {
		this.faults.push({ ...fault, seen: 0, hits: 0 });
	}

	clear(): void {
		this.faults = [];
	}

	/** The actions that apply to this request (latency first, then at most one status/drop). */
	take(method: string, path: string): FaultAction[] {
		const actions: FaultAction[] = [];
		let decided = false;
		for (const fault of this.faults) {
			if (fault.method && fault.method !== method) continue;
			if (fault.path && !fault.path.test(path)) continue;
			if (fault.times !== undefined && fault.hits >= fault.times) continue;
			if (fault.action.kind !== 'latency' && decided) continue;
			fault.seen++;
			if (fault.seen % (fault.every ?? 1) !== 0) continue;
			fault.hits++;
			actions.push(fault.action);
			if (fault.action.kind !== 'latency') decided = true;
		}
		return actions.sort((a, b) => (a.kind === 'latency' ? -1 : b.kind === 'latency' ? 1 : 0));
	}
}
