/** Lets at most `size` pieces of work run at once; the others wait their turn, first come first served. */
export class Semaphore {
	private readonly waiting: Array<() => void> = [];

	private free: number;

	constructor(size: number) {
		this.free = size;
	}

	async run<T>(work: () => Promise<T>): Promise<T> {
		await this.acquire();
		try {
			return await work();
		} finally {
			this.release();
		}
	}

	private async acquire(): Promise<void> {
		if (this.free > 0) {
			this.free--;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	/** Hands the place straight to the next in line, so a newcomer cannot take it first. */
	private release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.free++;
	}
}
