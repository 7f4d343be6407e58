import type { IDataObject } from 'n8n-workflow';

import { parseCidr } from '../../../lib/net';
import { InputError, parsePort, toList } from '../../../lib/validation';
import { quoted } from '../../../lib/errors';

export type Protocol = 'tcp' | 'udp' | 'icmp';

/** One rule as Vultr stores it (accept only: Vultr firewalls are allow-lists). */
export interface FirewallRule {
	ip_type: 'v4' | 'v6';
	protocol: Protocol;
	port: string;
	subnet: string;
	subnet_size: number;
	notes: string;
}

export const RULE_NOTE = 'homelab-ingress';

/** `443`, or a range `8000:8100` (Vultr's form; `8000-8100` is accepted too). */
export function parsePortRange(field: string, raw: unknown): string {
	const text = String(raw ?? '')
		.trim()
		.replace('-', ':');
	const [from, to, extra] = text.split(':');
	if (extra !== undefined)
		throw new InputError(field, `${quoted(String(raw))} is not a port or range`);
	const low = parsePort(field, from);
	if (to === undefined) return String(low);
	const high = parsePort(field, to);
	if (high <= low)
		throw new InputError(field, `range ${quoted(String(raw))} must go from low to high`);
	return `${low}:${high}`;
}

const ANYWHERE = ['0.0.0.0/0', '::/0'];

/** Expands the node's rule rows into Vultr rules: one per source block, IPv4 and IPv6 alike. */
export function desiredRules(rows: IDataObject[]): FirewallRule[] {
	const rules = new Map<string, FirewallRule>();
	rows.forEach((row, index) => {
		const field = (name: string) => `Rules[${index + 1}].${name}`;
		const protocol = String(row.protocol ?? 'tcp') as Protocol;
		if (!['tcp', 'udp', 'icmp'].includes(protocol))
			throw new InputError(field('Protocol'), `${quoted(protocol)} is not tcp, udp or icmp`);
		const port = protocol === 'icmp' ? '' : parsePortRange(field('Port'), row.port);
		const sources = toList(row.sources);
		for (const source of sources.length ? sources : ANYWHERE) {
			const cidr = parseCidr(field('Sources'), source);
			const rule: FirewallRule = {
				ip_type: cidr.version === 4 ? 'v4' : 'v6',
				protocol,
				port,
				subnet: cidr.address,
				subnet_size: cidr.prefix,
				notes: RULE_NOTE,
			};
			rules.set(ruleKey(rule), rule);
		}
	});
	return [...rules.values()];
}

export function ruleKey(rule: IDataObject | FirewallRule): string {
	const r = rule as IDataObject;
	return [r.ip_type, String(r.protocol).toLowerCase(), r.port ?? '', r.subnet, r.subnet_size].join(
		'|',
	);
}

export interface RulePlan {
	add: FirewallRule[];
	remove: IDataObject[];
	keep: IDataObject[];
}

/** What to add and remove so the group holds exactly `desired`; removal only when we own the group. */
export function planRules(
	current: IDataObject[],
	desired: FirewallRule[],
	removeExtra: boolean,
): RulePlan {
	const currentKeys = new Set(current.map(ruleKey));
	const desiredKeys = new Set(desired.map(ruleKey));
	return {
		add: desired.filter((rule) => !currentKeys.has(ruleKey(rule))),
		remove: removeExtra ? current.filter((rule) => !desiredKeys.has(ruleKey(rule))) : [],
		keep: current.filter((rule) => desiredKeys.has(ruleKey(rule))),
	};
}
