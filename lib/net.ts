import { BlockList, isIP } from 'node:net';

import { quoted } from './errors';
import { InputError, toList } from './validation';

const linkLocal = new BlockList();
linkLocal.addSubnet('169.254.0.0', 16, 'ipv4');
linkLocal.addSubnet('fe80::', 10, 'ipv6');
// AWS's IPv6 instance-metadata address; the IPv4 metadata services sit in 169.254.0.0/16 already.
linkLocal.addAddress('fd00:ec2::254', 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

// 0.0.0.0/8 is "this network": Linux connects 0.x.y.z to the local host.
const unspecified = new BlockList();
unspecified.addSubnet('0.0.0.0', 8, 'ipv4');
unspecified.addAddress('::', 'ipv6');

// Multicast, broadcast and the reserved class E: never a server a route could reach.
const nonUnicast = new BlockList();
nonUnicast.addSubnet('224.0.0.0', 4, 'ipv4');
nonUnicast.addSubnet('240.0.0.0', 4, 'ipv4');
nonUnicast.addSubnet('ff00::', 8, 'ipv6');

export type AddressClass = 'link-local' | 'loopback' | 'unspecified' | 'non-unicast' | 'other';

/** The eight 16-bit groups of an IPv6 literal (with any embedded dotted IPv4 folded in). */
function ipv6Groups(address: string): number[] {
	let text = address.toLowerCase();
	const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
	if (dotted) {
		const [a, b, c, d] = dotted[1].split('.').map(Number);
		text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
	const headGroups = head ? head.split(':') : [];
	const tailGroups = tail ? tail.split(':') : [];
	const fill = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill('0');
	return [...headGroups, ...fill, ...tailGroups].map((group) => parseInt(group, 16));
}

/**
 * An IP literal in the form a socket dials: IPv4-mapped IPv6 (`::ffff:127.0.0.1`, `::ffff:7f00:1`) is
 * the IPv4 address it carries, since that is where a connection to it goes.
 */
export function canonicalAddress(address: string): string {
	if (isIP(address) !== 6) return address;
	const groups = ipv6Groups(address);
	const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
	if (!mapped) return address.toLowerCase();
	return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
}

/** Classifies an IP literal; IPv4-mapped IPv6 addresses are judged as the IPv4 they carry. */
export function classifyAddress(address: string): AddressClass {
	const ip = canonicalAddress(address);
	const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
	if (linkLocal.check(ip, family)) return 'link-local';
	if (loopback.check(ip, family)) return 'loopback';
	if (unspecified.check(ip, family)) return 'unspecified';
	if (nonUnicast.check(ip, family)) return 'non-unicast';
	return 'other';
}

export interface Cidr {
	address: string;
	prefix: number;
	version: 4 | 6;
}

/** `addr/prefix` (or a bare address, meaning a single host). */
export function parseCidr(field: string, raw: string): Cidr {
	const text = String(raw ?? '').trim();
	const [address, prefixText, ...rest] = text.split('/');
	const version = isIP(address);
	if ((version !== 4 && version !== 6) || rest.length)
		throw new InputError(field, `${quoted(text)} is not an IP or CIDR`);
	const max = version === 4 ? 32 : 128;
	if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) {
		throw new InputError(field, `${quoted(text)} has an invalid prefix length`);
	}
	const prefix = prefixText === undefined ? max : Number(prefixText);
	if (prefix > max)
		throw new InputError(field, `${quoted(text)}: prefix length must be at most ${max}`);
	return { address: address.toLowerCase(), prefix, version };
}

export function formatCidr({ address, prefix }: Cidr): string {
	return `${address}/${prefix}`;
}

/** The tailnet ranges Tailscale and Headscale hand out: CGNAT IPv4 and Tailscale's IPv6 ULA prefix. */
export const TAILNET_NETWORKS = ['100.64.0.0/10', 'fd7a:115c:a1e0::/48'];

/** A set of CIDRs that addresses are checked against. */
export interface NetworkSet {
	cidrs: Cidr[];
	contains(address: string): boolean;
}

/** Parses a comma/space separated CIDR list (bare addresses mean single hosts) into a network set. */
export function parseNetworks(field: string, raw: unknown): NetworkSet {
	const cidrs = toList(raw).map((entry) => parseCidr(field, entry));
	const list = new BlockList();
	for (const cidr of cidrs) {
		const address = canonicalAddress(cidr.address);
		if (isIP(address) !== cidr.version) {
			throw new InputError(field, `${quoted(cidr.address)}: give IPv4-mapped ranges as IPv4`);
		}
		list.addSubnet(address, cidr.prefix, cidr.version === 4 ? 'ipv4' : 'ipv6');
	}
	return {
		cidrs,
		contains(address: string) {
			const ip = canonicalAddress(address);
			return list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
		},
	};
}
