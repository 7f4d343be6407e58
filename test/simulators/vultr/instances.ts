import { SimError, type SimRequest, type Simulator } from '../core/server';
import { AVAILABILITY, OPERATING_SYSTEMS, PLANS, REGIONS } from './catalog';
import {
	jsonBody,
	newId,
	paginate,
	vultrDate,
	type InstanceRecord,
	type MachineState,
	type VultrState,
} from './state';

/** Share of the boot spent `pending` with no IP yet; the rest is `active` + `installingbooting`. */
const PENDING_SHARE = 0.4;

function view(state: VultrState, record: InstanceRecord): Record<string, unknown> {
	const elapsed = state.clock.now() - record.bootStartedAt;
	const fields = { ...record.fields };
	const stopped = fields.power_status === 'stopped';
	// A backed instance has no address until its machine is up (one that failed to boot never gets one).
	const machineDown = record.machine !== undefined && !record.machine.machine;
	if (
		machineDown ||
		(elapsed < record.bootMs * PENDING_SHARE && record.bootStartedAt === record.createdAt)
	) {
		return {
			...fields,
			status: 'pending',
			server_status: 'none',
			main_ip: '0.0.0.0',
			netmask_v4: '',
			gateway_v4: '0.0.0.0',
			v6_main_ip: '',
			v6_network: '',
			v6_network_size: 0,
		};
	}
	const booting = !stopped && elapsed < record.bootMs;
	return { ...fields, status: 'active', server_status: booting ? 'installingbooting' : 'ok' };
}

function find(state: VultrState, request: SimRequest): InstanceRecord {
	const record = state.instances.get(request.params['instance-id']);
	if (!record) throw new SimError(404, 'Invalid instance-id.');
	return record;
}

function createInstance(state: VultrState, request: SimRequest) {
	const body = jsonBody(request);
	const region = String(body.region ?? '');
	const planId = String(body.plan ?? '');
	if (!region) throw new SimError(400, 'Missing region.');
	if (!REGIONS.some((r) => r.id === region)) throw new SimError(400, 'Invalid region chosen.');
	const plan = PLANS.find((p) => p.id === planId);
	if (!plan) throw new SimError(400, 'Invalid plan chosen.');
	if (!AVAILABILITY[region].includes(planId))
		throw new SimError(400, 'Plan is not available in the selected location.');
	// @vultr/vultr-node sends os_id as a string; the live API accepts both.
	const os = OPERATING_SYSTEMS.find((o) => String(o.id) === String(body.os_id));
	if (!os) throw new SimError(400, 'Invalid operating system.');
	const userData = typeof body.user_data === 'string' ? body.user_data : '';
	if (userData && !/^[A-Za-z0-9+/]*={0,2}$/.test(userData))
		throw new SimError(400, 'user_data must be base64 encoded.');
	for (const keyId of (body.sshkey_id as string[] | undefined) ?? []) {
		if (!state.sshKeys.has(keyId)) throw new SimError(400, 'Invalid SSH key.');
	}
	const firewall = String(body.firewall_group_id ?? '');
	if (firewall && !state.firewallGroups.has(firewall))
		throw new SimError(400, 'Invalid firewall group.');
	const now = state.clock.now();
	const octet = state.nextIp++;
	const ipv6 = body.enable_ipv6 === true;
	const record: InstanceRecord = {
		createdAt: now,
		bootStartedAt: now,
		bootMs: state.bootMs,
		userData,
		fields: {
			id: newId(),
			os: os.name,
			ram: plan.ram,
			disk: plan.disk,
			main_ip: `192.0.2.${octet}`,
			vcpu_count: plan.vcpu_count,
			region,
			plan: planId,
			date_created: vultrDate(now),
			allowed_bandwidth: plan.bandwidth,
			netmask_v4: '255.255.254.0',
			gateway_v4: '192.0.2.1',
			power_status: 'running',
			v6_network: ipv6 ? '2001:db8:1000::' : '',
			v6_main_ip: ipv6 ? `2001:db8:1000::${octet.toString(16)}` : '',
			v6_network_size: ipv6 ? 64 : 0,
			label: String(body.label ?? ''),
			internal_ip: '',
			kvm: '',
			hostname: String(body.hostname ?? ''),
			os_id: os.id,
			app_id: 0,
			image_id: '',
			firewall_group_id: firewall,
			features: [
				...(ipv6 ? ['ipv6'] : []),
				...(body.backups === 'enabled' ? ['auto_backups'] : []),
			],
			tags: (body.tags as string[] | undefined) ?? [],
		},
	};
	state.instances.set(String(record.fields.id), record);
	if (state.backing) record.machine = bootMachine(state, record, body);
	return {
		status: 202,
		body: { instance: { ...view(state, record), default_password: 'Sim#Pass-0nly-once' } },
	};
}

/** Starts the instance's machine in the background; the instance shows its address once it is up. */
function bootMachine(
	state: VultrState,
	record: InstanceRecord,
	body: Record<string, unknown>,
): MachineState {
	const machine: MachineState = { booted: Promise.resolve() };
	const sshKeys = ((body.sshkey_id as string[] | undefined) ?? []).map((id) =>
		String(state.sshKeys.get(id)?.ssh_key),
	);
	machine.booted = state.backing!({
		id: String(record.fields.id),
		hostname: String(record.fields.hostname),
		userData: record.userData,
		sshKeys,
	}).then(
		(up) => {
			machine.machine = up;
			record.fields.main_ip = up.address;
		},
		(error: Error) => {
			machine.failure = error.message;
		},
	);
	return machine;
}

/** Stops a backed instance's machine (after its boot, if it is still booting). */
async function stopMachine(record: InstanceRecord): Promise<void> {
	if (!record.machine) return;
	await record.machine.booted;
	await record.machine.machine?.stop();
}

/** Stops the machines of every backed instance: for the simulator's close. */
export async function stopAllMachines(state: VultrState): Promise<void> {
	for (const record of state.instances.values()) await stopMachine(record);
}

function powerAction(state: VultrState, action: 'start' | 'halt' | 'reboot') {
	return (request: SimRequest) => {
		const record = find(state, request);
		record.fields.power_status = action === 'halt' ? 'stopped' : 'running';
		if (action !== 'halt') {
			record.bootStartedAt = state.clock.now();
			record.bootMs = Math.max(1, Math.round(state.bootMs / 5));
		}
		return { status: 204 };
	};
}

export function registerInstances(sim: Simulator, state: VultrState): void {
	sim.route('POST', '/instances', (req) => createInstance(state, req));
	sim.route('GET', '/instances', (req) => {
		const label = req.query.get('label');
		const tag = req.query.get('tag');
		const region = req.query.get('region');
		const all = [...state.instances.values()]
			.map((record) => view(state, record))
			.filter((i) => (!label || i.label === label) && (!region || i.region === region))
			.filter((i) => !tag || (i.tags as string[]).includes(tag));
		return { status: 200, body: paginate(all, req, 'instances', state.maxPerPage) };
	});
	sim.route('GET', '/instances/{instance-id}', (req) => ({
		status: 200,
		body: { instance: view(state, find(state, req)) },
	}));
	sim.route('GET', '/instances/{instance-id}/user-data', (req) => ({
		status: 200,
		body: { user_data: { data: find(state, req).userData } },
	}));
	sim.route('DELETE', '/instances/{instance-id}', async (req) => {
		const record = find(state, req);
		state.instances.delete(req.params['instance-id']);
		await stopMachine(record);
		return { status: 204 };
	});
	for (const action of ['start', 'halt', 'reboot'] as const) {
		sim.route('POST', `/instances/{instance-id}/${action}`, powerAction(state, action));
	}
}
