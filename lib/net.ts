import { BlockList, isIP } from 'node:net';

const linkLocal = new BlockList();
linkLocal.addSubnet('169.254.0.0', 16, 'ipv4');
linkLocal.addSubnet('fe80::', 10, 'ipv6');
// AWS's IPv6 instance-metadata address; the IPv4 metadata services sit in 169.254.0.0/16 already.
linkLocal.addAddress('fd00:ec2::254', 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const unspecified = new BlockList();
unspecified.addAddress('0.0.0.0', 'ipv4');
unspecified.addAddress('::', 'ipv6');

export type AddressClass = 'link-local' | 'loopback' | 'unspecified' | 'other';

/** Classifies an IP literal; IPv4-mapped IPv6 addresses are judged as the IPv4 they carry. */
export function classifyAddress(address: string): AddressClass {
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	const ip = mapped ? mapped[1] : address;
	const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
	if (linkLocal.check(ip, family)) return 'link-local';
	if (loopback.check(ip, family)) return 'loopback';
	if (unspecified.check(ip, family)) return 'unspecified';
	return 'other';
}
