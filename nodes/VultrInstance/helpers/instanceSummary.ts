import type { IDataObject } from 'n8n-workflow';

import { hostKeyFingerprintOf } from './managed';

/** What workflows need from an instance; never the default root password. */
export function summarizeInstance(instance: IDataObject): IDataObject {
	return {
		id: instance.id,
		label: instance.label,
		hostname: instance.hostname,
		mainIp: instance.main_ip,
		ipv6: instance.v6_main_ip || null,
		region: instance.region,
		plan: instance.plan,
		os: instance.os,
		tags: instance.tags ?? [],
		status: instance.status,
		powerStatus: instance.power_status,
		serverStatus: instance.server_status,
		firewallGroupId: instance.firewall_group_id || null,
		dateCreated: instance.date_created,
		hostKeyFingerprint: hostKeyFingerprintOf(instance) ?? null,
	};
}
