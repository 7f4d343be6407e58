import { isIP } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

/** Seen by the control plane within this window counts as online when `connectedToControl` is absent. */
const ONLINE_WINDOW_MS = 5 * 60_000;

export function tunnelAddresses(addresses: unknown): { ipv4: string | null; ipv6: string | null } {
	const list = Array.isArray(addresses) ? addresses.map(String) : [];
	return {
		ipv4: list.find((a) => isIP(a) === 4) ?? null,
		ipv6: list.find((a) => isIP(a) === 6) ?? null,
	};
}

export function isOnline(device: IDataObject, now = Date.now()): boolean {
	if (typeof device.connectedToControl === 'boolean') return device.connectedToControl;
	if (typeof device.online === 'boolean') return device.online;
	const seen = Date.parse(String(device.lastSeen ?? ''));
	return Number.isFinite(seen) && now - seen < ONLINE_WINDOW_MS;
}

export function summarizeTailscaleDevice(device: IDataObject): IDataObject {
	return {
		id: device.nodeId ?? device.id,
		name: device.name,
		hostname: device.hostname,
		...tunnelAddresses(device.addresses),
		online: isOnline(device),
		lastSeen: device.lastSeen ?? null,
		authorized: device.authorized,
		tags: device.tags ?? [],
		os: device.os,
		user: device.user,
	};
}

/** Headscale up to v0.27 splits tags into forced/valid/invalid; v0.28+ has one `tags` list. */
export function summarizeHeadscaleNode(node: IDataObject): IDataObject {
	const tags = (node.tags as string[] | undefined) ?? [
		...((node.forcedTags as string[]) ?? []),
		...((node.validTags as string[]) ?? []),
	];
	return {
		id: node.id,
		name: node.givenName || node.name,
		hostname: node.name,
		...tunnelAddresses(node.ipAddresses),
		online: isOnline(node),
		lastSeen: node.lastSeen ?? null,
		user: (node.user as IDataObject | undefined)?.name ?? null,
		tags: [...new Set(tags)],
	};
}

/** Matches the machine name, the MagicDNS FQDN or its first label, case-insensitively. */
export function matchesHostname(device: IDataObject, hostname: string): boolean {
	const wanted = hostname.toLowerCase().replace(/\.$/, '');
	const names = [device.hostname, device.name, String(device.name ?? '').split('.')[0]].map((n) =>
		String(n ?? '')
			.toLowerCase()
			.replace(/\.$/, ''),
	);
	return names.includes(wanted);
}
