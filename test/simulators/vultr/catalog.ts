import { SimError, type Simulator } from '../core/server';
import { paginate } from './state';

/** Regions, plans, operating systems and per-region availability: read-only catalogue data. */
export const REGIONS = [
	{
		id: 'ams',
		city: 'Amsterdam',
		country: 'NL',
		continent: 'Europe',
		options: ['ddos_protection'],
	},
	{
		id: 'ewr',
		city: 'New Jersey',
		country: 'US',
		continent: 'North America',
		options: ['ddos_protection', 'block_storage_high_perf'],
	},
	{ id: 'fra', city: 'Frankfurt', country: 'DE', continent: 'Europe', options: [] },
	{ id: 'sgp', city: 'Singapore', country: 'SG', continent: 'Asia', options: [] },
];

const plan = (
	id: string,
	vcpu: number,
	ram: number,
	disk: number,
	cost: number,
	type: string,
	locations: string[],
) => ({
	id,
	vcpu_count: vcpu,
	ram,
	disk,
	disk_count: 1,
	bandwidth: 1024,
	monthly_cost: cost,
	type,
	locations,
});

export const PLANS = [
	plan('vc2-1c-1gb', 1, 1024, 25, 5, 'vc2', ['ams', 'ewr', 'fra', 'sgp']),
	plan('vc2-1c-2gb', 1, 2048, 55, 10, 'vc2', ['ams', 'ewr', 'fra', 'sgp']),
	plan('vc2-2c-4gb', 2, 4096, 80, 20, 'vc2', ['ams', 'ewr', 'fra']),
	plan('vhf-1c-1gb', 1, 1024, 32, 6, 'vhf', ['ams', 'ewr', 'fra']),
	plan('vhf-1c-2gb', 1, 2048, 64, 12, 'vhf', ['ams', 'ewr']),
	plan('vhf-2c-4gb', 2, 4096, 128, 24, 'vhf', ['ewr']),
	plan('vdc-4vcpu-8gb', 4, 8192, 110, 60, 'vdc', ['ewr']),
];

/** What each region really offers right now (a subset of `locations`: sold-out plans are missing). */
export const AVAILABILITY: Record<string, string[]> = {
	ams: ['vc2-1c-1gb', 'vc2-1c-2gb', 'vc2-2c-4gb', 'vhf-1c-1gb'],
	ewr: [
		'vc2-1c-1gb',
		'vc2-1c-2gb',
		'vc2-2c-4gb',
		'vhf-1c-1gb',
		'vhf-1c-2gb',
		'vhf-2c-4gb',
		'vdc-4vcpu-8gb',
	],
	fra: ['vc2-1c-1gb', 'vc2-1c-2gb', 'vhf-1c-1gb'],
	sgp: ['vc2-1c-1gb'],
};

export const OPERATING_SYSTEMS = [
	{ id: 2284, name: 'Ubuntu 24.04 LTS x64', arch: 'x64', family: 'ubuntu' },
	{ id: 1743, name: 'Ubuntu 22.04 LTS x64', arch: 'x64', family: 'ubuntu' },
	{ id: 2136, name: 'Debian 12 x64 (bookworm)', arch: 'x64', family: 'debian' },
	{ id: 159, name: 'Custom', arch: 'x64', family: 'iso' },
];

const typeFilter = (type: string | null) => (p: { type: string }) =>
	!type || type === 'all' || p.type === type;

export function registerCatalog(sim: Simulator): void {
	sim.route('GET', '/regions', (req) => ({ status: 200, body: paginate(REGIONS, req, 'regions') }));
	sim.route('GET', '/regions/{region-id}/availability', (req) => {
		const available = AVAILABILITY[req.params['region-id']];
		if (!available) throw new SimError(404, 'Invalid region.');
		const type = req.query.get('type');
		const ids = available.filter((id) => typeFilter(type)(PLANS.find((p) => p.id === id)!));
		return { status: 200, body: { available_plans: ids } };
	});
	sim.route('GET', '/plans', (req) => ({
		status: 200,
		body: paginate(PLANS.filter(typeFilter(req.query.get('type'))), req, 'plans'),
	}));
	sim.route('GET', '/os', (req) => ({ status: 200, body: paginate(OPERATING_SYSTEMS, req, 'os') }));
}
