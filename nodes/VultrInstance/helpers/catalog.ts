import type { IDataObject } from 'n8n-workflow';

import { vultrListAll, vultrRequest, type VultrContext } from '../transport';

/** Plans of a type, narrowed to what `region` offers right now (`/regions/{id}/availability`). */
export async function availablePlans(
	this: VultrContext,
	type: string,
	region?: string,
): Promise<IDataObject[]> {
	const qs = type && type !== 'all' ? { type } : {};
	const plans = await vultrListAll.call(this, '/plans', 'plans', qs);
	if (!region) return plans;
	const { available_plans: available = [] } = (await vultrRequest.call(
		this,
		'GET',
		`/regions/${region}/availability`,
		{ qs },
	)) as {
		available_plans?: string[];
	};
	return plans.filter((plan) => available.includes(String(plan.id)));
}

export function describePlan(plan: IDataObject): string {
	const ram = Number(plan.ram) >= 1024 ? `${Number(plan.ram) / 1024} GB` : `${String(plan.ram)} MB`;
	return `${String(plan.id)}: ${String(plan.vcpu_count)} vCPU, ${ram} RAM, ${String(plan.disk)} GB disk, $${String(plan.monthly_cost)}/month`;
}

export function summarizePlan(plan: IDataObject): IDataObject {
	return {
		id: plan.id,
		type: plan.type,
		monthlyCost: plan.monthly_cost,
		vcpu: plan.vcpu_count,
		ramMb: plan.ram,
		diskGb: plan.disk,
		bandwidthGb: plan.bandwidth,
		locations: plan.locations ?? [],
	};
}
