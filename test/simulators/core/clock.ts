/** Time as the simulators see it: real time (optionally sped up) or a clock a test or bench advances. */
export interface Clock {
	now(): number;
}

export const realClock: Clock = { now: () => Date.now() };

/** Virtual time, moved only by `advance`: lets a bench replay a 90 s boot without waiting 90 s. */
export class ManualClock implements Clock {
	constructor(private current = Date.UTC(2026, 0, 1)) {}

	now(): number {
		return this.current;
	}

	advance(ms: number): void {
		this.current += ms;
	}
}
