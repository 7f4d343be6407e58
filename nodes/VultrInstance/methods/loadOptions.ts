import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { availablePlans, describePlan } from '../helpers/catalog';
import { vultrListAll } from '../transport';

export async function getRegions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const regions = await vultrListAll.call(this, '/regions', 'regions');
	return regions
		.map((r) => ({
			name: `${String(r.city)} (${String(r.country)}, ${String(r.id)})`,
			value: String(r.id),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** Only plans of the chosen type that the chosen region can deploy now, cheapest first. */
export async function getPlans(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const region = String(this.getCurrentNodeParameter('region') ?? '');
	const type = String(this.getCurrentNodeParameter('planType') ?? 'all');
	const plans = await availablePlans.call(
		this,
		type,
		/^[a-z]{3}$/.test(region) ? region : undefined,
	);
	return plans
		.sort((a, b) => Number(a.monthly_cost) - Number(b.monthly_cost))
		.map((plan) => ({ name: describePlan(plan), value: String(plan.id) }));
}

export async function getOperatingSystems(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const systems = await vultrListAll.call(this, '/os', 'os');
	return systems
		.filter(
			(os) =>
				os.family !== 'iso' &&
				os.family !== 'snapshot' &&
				os.family !== 'backup' &&
				os.family !== 'application',
		)
		.map((os) => ({ name: String(os.name), value: Number(os.id) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
