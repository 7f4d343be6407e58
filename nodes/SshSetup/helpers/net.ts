import { BlockList, isIP } from 'node:net';

import type { Cidr } from '../../../lib/net';
import type { SshSession } from '../transport';

/** Whether an address (IPv4-mapped IPv6 counts as IPv4) lies inside a CIDR. */
export function cidrContains(cidr: Cidr, address: string): boolean {
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	const ip = mapped ? mapped[1] : address;
	const version = isIP(ip);
	if (version !== cidr.version) return false;
	const list = new BlockList();
	list.addSubnet(cidr.address, cidr.prefix, version === 4 ? 'ipv4' : 'ipv6');
	return list.check(ip, version === 4 ? 'ipv4' : 'ipv6');
}

/** The connecting client's address, as the server sees it (first field of SSH_CONNECTION). */
export async function clientAddress(session: SshSession): Promise<string> {
	const result = await session.run('printf %s "${SSH_CONNECTION%% *}"', { unprivileged: true });
	return result.stdout.trim();
}
