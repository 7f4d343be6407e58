import type { IDataObject } from 'n8n-workflow';

/** The Vultr tag that marks instances this package created; only those are ever adopted or changed. */
export const MANAGED_TAG = 'homelab-ingress';

/** Tag carrying the pinned host key's fingerprint, so a later run that finds the instance can report it. */
export const HOST_KEY_TAG_PREFIX = 'ssh-host-key=';

/** Firewall groups have no tags; the package marks its own by this description prefix. */
export const MANAGED_FIREWALL_PREFIX = 'homelab-ingress/';

export function isManagedInstance(instance: IDataObject): boolean {
	return ((instance.tags as string[] | undefined) ?? []).includes(MANAGED_TAG);
}

export function hostKeyFingerprintOf(instance: IDataObject): string | undefined {
	const tag = ((instance.tags as string[] | undefined) ?? []).find((t) =>
		t.startsWith(HOST_KEY_TAG_PREFIX),
	);
	return tag?.slice(HOST_KEY_TAG_PREFIX.length);
}
