import { randomUUID } from 'node:crypto';

import type { Clock } from '../core/clock';
import { SimError, type SimRequest } from '../core/server';

/** One Vultr account's resources; each API area module (instances.ts, firewalls.ts, …) owns its part. */
export interface VultrState {
	clock: Clock;
	bootMs: number;
	instances: Map<string, InstanceRecord>;
	sshKeys: Map<string, Record<string, unknown>>;
	firewallGroups: Map<string, FirewallGroupRecord>;
	snapshots: Map<string, SnapshotRecord>;
	nextIp: number;
	/** Vultr caps `per_page` at 500; a smaller cap makes short lists span pages. */
	maxPerPage: number;
	/** Boots a machine for every created instance (e.g. a VPS twin); none: instances are records only. */
	backing?: InstanceBacking;
}

/** What a backed instance's machine is told at creation: its user data and the keys Vultr installs. */
export interface BackedInstance {
	id: string;
	hostname: string;
	/** base64, as sent in `user_data`. */
	userData: string;
	/** Public keys of the instance's `sshkey_id` list, which Vultr authorizes for root. */
	sshKeys: string[];
}

export interface InstanceMachine {
	/** The machine's IPv4 address, reported as the instance's `main_ip`. */
	address: string;
	stop(): Promise<void>;
}

export type InstanceBacking = (instance: BackedInstance) => Promise<InstanceMachine>;

/** A backed instance's machine: booting (no address yet), up, or failed to boot. */
export interface MachineState {
	booted: Promise<void>;
	machine?: InstanceMachine;
	failure?: string;
}

export interface InstanceRecord {
	fields: Record<string, unknown>;
	createdAt: number;
	/** Start of the current boot (creation, start or reboot) and how long it takes. */
	bootStartedAt: number;
	bootMs: number;
	userData: string;
	machine?: MachineState;
}

export interface FirewallGroupRecord {
	group: Record<string, unknown>;
	rules: Array<Record<string, unknown>>;
	nextRuleId: number;
}

export interface SnapshotRecord {
	snapshot: Record<string, unknown>;
	readyAt: number;
}

export function createState(
	clock: Clock,
	bootMs: number,
	maxPerPage = 500,
	backing?: InstanceBacking,
): VultrState {
	return {
		backing,
		clock,
		bootMs,
		instances: new Map(),
		sshKeys: new Map(),
		firewallGroups: new Map(),
		snapshots: new Map(),
		nextIp: 10,
		maxPerPage,
	};
}

export const newId = (): string => randomUUID();

/** Vultr's timestamp format: `2020-10-10T01:56:20+00:00`. */
export function vultrDate(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** The JSON object a POST/PATCH carries; Vultr answers 400 "Bad request." otherwise. */
export function jsonBody(request: SimRequest): Record<string, unknown> {
	if (!request.body || typeof request.body !== 'object' || Array.isArray(request.body)) {
		throw new SimError(400, 'Bad request.');
	}
	return request.body as Record<string, unknown>;
}

/**
 * Cursor pagination as Vultr does it: `per_page` (default 100, max 500) and an opaque `cursor`;
 * `meta.links.next` is "" on the last page.
 */
export function paginate<T>(
	items: T[],
	request: SimRequest,
	key: string,
	maxPerPage = 500,
): Record<string, unknown> {
	const perPage = Math.min(
		maxPerPage,
		Math.max(1, Number(request.query.get('per_page') ?? 100) || 100),
	);
	const cursor = request.query.get('cursor');
	let offset = 0;
	if (cursor) {
		const decoded = /^next__(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
		if (!decoded) throw new SimError(400, 'Invalid cursor.');
		offset = Number(decoded[1]);
	}
	const page = items.slice(offset, offset + perPage);
	const encode = (n: number) => Buffer.from(`next__${n}`).toString('base64');
	return {
		[key]: page,
		meta: {
			total: items.length,
			links: {
				next: offset + perPage < items.length ? encode(offset + perPage) : '',
				prev: offset > 0 ? encode(Math.max(0, offset - perPage)) : '',
			},
		},
	};
}
