import { getServers, Resolver } from 'node:dns';

const TRY_TIMEOUT_MS = 1_500;
const TRIES = 2;
/** A name that has not answered by then is refused: the route is not published on a guess. */
export const RESOLVE_DEADLINE_MS = 4_000;

/** DNS answers that mean "no address of this family", as opposed to a failure to get an answer. */
const NO_DATA = new Set(['ENODATA', 'ENOTFOUND']);

export class ResolveFailure extends Error {
	constructor(readonly code: string) {
		super(code);
		this.name = 'ResolveFailure';
	}
}

function query(resolver: Resolver, family: 4 | 6, name: string): Promise<string[]> {
	return new Promise((resolve, reject) => {
		const done = (error: NodeJS.ErrnoException | null, addresses: string[]) => {
			if (!error) resolve(addresses);
			else if (NO_DATA.has(String(error.code))) resolve([]);
			else reject(new ResolveFailure(String(error.code ?? 'EFAIL')));
		};
		if (family === 4) resolver.resolve4(name, done);
		else resolver.resolve6(name, done);
	});
}

/**
 * Every A and AAAA answer for `name`, asked of the DNS servers this process is configured with
 * (the system's resolv.conf, or what `dns.setServers` set). Any failure other than "no such name or
 * type" — a timeout, SERVFAIL, a refused query — throws, and so does an empty answer: the caller pins
 * what it gets here, so it must get the whole answer or nothing.
 */
export async function resolveName(name: string): Promise<string[]> {
	const resolver = new Resolver({ timeout: TRY_TIMEOUT_MS, tries: TRIES });
	resolver.setServers(getServers());
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			resolver.cancel();
			reject(new ResolveFailure('ETIMEOUT'));
		}, RESOLVE_DEADLINE_MS);
	});
	try {
		const answers = await Promise.race([
			Promise.all([query(resolver, 4, name), query(resolver, 6, name)]),
			deadline,
		]);
		const addresses = [...new Set(answers.flat())].sort();
		if (addresses.length === 0) throw new ResolveFailure('ENOTFOUND');
		return addresses;
	} finally {
		clearTimeout(timer);
	}
}
