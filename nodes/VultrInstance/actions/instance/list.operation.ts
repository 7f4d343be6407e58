import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { parseLabel, parseRegion, parseTag } from '../../helpers/inputs';
import { summarizeInstance } from '../../helpers/instanceSummary';
import { isManagedInstance } from '../../helpers/managed';
import { vultrListAll } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['instance'], operation: ['list'] } },
		options: [
			{ displayName: 'Label', name: 'label', type: 'string', default: '' },
			{
				displayName: 'Only Managed',
				name: 'managedOnly',
				type: 'boolean',
				default: false,
				description: 'Whether to list only instances this package created',
			},
			{ displayName: 'Region', name: 'region', type: 'string', default: '', placeholder: 'fra' },
			{ displayName: 'Tag', name: 'tag', type: 'string', default: '' },
		],
	},
];

/** All pages of the instance list, filtered on Vultr's side by label, tag and region. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const qs: IDataObject = {};
		if (filters.label) qs.label = parseLabel('Label', filters.label);
		if (filters.tag) qs.tag = parseTag('Tag', filters.tag);
		if (filters.region) qs.region = parseRegion('Region', filters.region);
		const instances = await vultrListAll.call(this, '/instances', 'instances', qs);
		return instances
			.filter((instance) => !filters.managedOnly || isManagedInstance(instance))
			.map(summarizeInstance);
	});
}
