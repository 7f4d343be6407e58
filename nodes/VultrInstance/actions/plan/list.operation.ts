import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { availablePlans, summarizePlan } from '../../helpers/catalog';
import { parseRegion } from '../../helpers/inputs';
import { planTypeOptions } from '../common.descriptions';

export const description: INodeProperties[] = [
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['plan'], operation: ['list'] } },
		options: [
			{
				displayName: 'Available in Region',
				name: 'region',
				type: 'string',
				default: '',
				placeholder: 'fra',
			},
			{
				displayName: 'Type',
				name: 'type',
				type: 'options',
				options: planTypeOptions,
				default: 'all',
			},
		],
	},
];

/** Plans with their monthly cost, vCPU, RAM, disk and locations. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const region = filters.region ? parseRegion('Available in Region', filters.region) : undefined;
		const plans = await availablePlans.call(this, String(filters.type ?? 'all'), region);
		return plans.map(summarizePlan);
	});
}
