import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

import { InputError, parseHostPort } from '../../../lib/validation';
import type { RecordType } from '../transport/types';
import { quoted } from '../../../lib/errors';

export interface DnsAnswer {
	/** Values in the node's content form (SRV "weight port target", MX target); empty when none. */
	values: string[];
	/** The resolver's error code: ENOTFOUND (NXDOMAIN), ENODATA (no such type), ETIMEOUT, ECONNREFUSED … */
	code?: string;
	/** Per MX/SRV value, its priority. */
	priorities?: number[];
}

/** A DNS server to ask: an IP address, optionally with a port (`192.0.2.53:5300`, `[2001:db8::53]:53`). */
export function parseDnsServer(field: string, raw: string): string {
	const text = raw.trim();
	if (isIP(text)) return text;
	const parsed = parseHostPort(field, text);
	if (!parsed.ipVersion)
		throw new InputError(
			field,
			`${quoted(text)} must be an IP address (optionally with :port), not a host name`,
		);
	return parsed.ipVersion === 6
		? `[${parsed.host}]:${parsed.port}`
		: `${parsed.host}:${parsed.port}`;
}

const undot = (host: string) => host.replace(/\.$/, '').toLowerCase();

/** One query, answered or failed within `timeoutMs`; DNS failures are answers, not exceptions. */
export async function queryOnce(
	server: string,
	name: string,
	type: RecordType,
	timeoutMs: number,
): Promise<DnsAnswer> {
	const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
	resolver.setServers([server]);
	try {
		switch (type) {
			case 'A':
				return { values: await resolver.resolve4(name) };
			case 'AAAA':
				return {
					values: (await resolver.resolve6(name)).map((ip) =>
						new URL(`http://[${ip}]/`).hostname.slice(1, -1),
					),
				};
			case 'CNAME':
				return { values: (await resolver.resolveCname(name)).map(undot) };
			case 'TXT':
				return { values: (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')) };
			case 'MX': {
				const answers = await resolver.resolveMx(name);
				return {
					values: answers.map((a) => undot(a.exchange)),
					priorities: answers.map((a) => a.priority),
				};
			}
			case 'SRV': {
				const answers = await resolver.resolveSrv(name);
				return {
					values: answers.map((a) => `${a.weight} ${a.port} ${undot(a.name) || '.'}`),
					priorities: answers.map((a) => a.priority),
				};
			}
		}
	} catch (error) {
		return {
			values: [],
			code: String((error as { code?: string }).code ?? (error as Error).message),
		};
	} finally {
		resolver.cancel();
	}
}

/** NXDOMAIN or "no records of this type": the name has no such record. */
export function isAbsent(answer: DnsAnswer): boolean {
	return answer.values.length === 0 && (answer.code === 'ENOTFOUND' || answer.code === 'ENODATA');
}

export function sameValues(seen: string[], expected: string[]): boolean {
	const a = [...new Set(seen)].sort();
	const b = [...new Set(expected)].sort();
	return a.length === b.length && a.every((value, index) => value === b[index]);
}
