/**
 * A stateful Vultr API v2 simulator, one module per API area (catalog, instances, SSH keys,
 * firewalls, snapshots, account). Further areas (DNS) register the same way: `register<Area>(sim, state)`.
 */
import type { Clock } from '../core/clock';
import { ConformanceChecker, specsAvailable } from '../core/conformance';
import { Simulator, type SimResponse } from '../core/server';
import { registerAccount } from './account';
import { registerCatalog } from './catalog';
import { registerDns } from './dns';
import { registerFirewalls } from './firewalls';
import { registerInstances, stopAllMachines } from './instances';
import { registerSnapshots } from './snapshots';
import { registerSshKeys } from './sshKeys';
import { createState, type InstanceBacking, type VultrState } from './state';

export const VULTR_SPEC = 'vultr-v2.openapi.json';
export const VULTR_API_KEY = 'SIMULATORKEY0000000000000000000000000';

export interface VultrSimulatorOptions {
	/** Time from create (or start/reboot, a fifth of it) to `active`/`ok`. Default 90 s. */
	bootMs?: number;
	snapshotMs?: number;
	clock?: Clock;
	/** Check every exchange against the official OpenAPI description (default: when the spec is present). */
	conformance?: boolean;
	apiKey?: string;
	maxPerPage?: number;
	/** Boots a machine for every created instance (see test/support/twin/vultrTwins.ts). */
	backing?: InstanceBacking;
}

export interface VultrSimulator extends Simulator {
	state: VultrState;
}

/** Vultr's error body; statuses with no JSON body in the real API (204) never reach here. */
export function vultrError(status: number, message: string): SimResponse {
	const text =
		status === 429
			? 'Rate limit exceeded'
			: status >= 500 && message === 'Injected fault'
				? 'Internal server error.'
				: message;
	return { status, body: { error: text, status } };
}

export function createVultrSimulator(options: VultrSimulatorOptions = {}): VultrSimulator {
	const apiKey = options.apiKey ?? VULTR_API_KEY;
	const useSpec = options.conformance ?? specsAvailable(VULTR_SPEC);
	const sim = new Simulator({
		name: 'vultr',
		basePath: '/v2',
		clock: options.clock,
		// The spec's introduction documents 429 (over 30 req/s) and 500 for every operation.
		conformance: useSpec
			? new ConformanceChecker(VULTR_SPEC, { globalStatuses: [429, 500, 502, 503, 504] })
			: undefined,
		errorBody: (status, message) => vultrError(status, message),
		authorize: (request) =>
			request.headers.authorization === `Bearer ${apiKey}`
				? undefined
				: vultrError(401, 'Invalid API token.'),
	}) as VultrSimulator;
	sim.state = createState(sim.clock, options.bootMs ?? 90_000, options.maxPerPage, options.backing);
	const close = sim.close.bind(sim);
	sim.close = async () => {
		await stopAllMachines(sim.state);
		await close();
	};
	registerAccount(sim);
	registerCatalog(sim);
	registerInstances(sim, sim.state);
	registerSshKeys(sim, sim.state);
	registerFirewalls(sim, sim.state);
	registerSnapshots(sim, sim.state, options.snapshotMs ?? 5_000);
	registerDns(sim, sim.state);
	return sim;
}
