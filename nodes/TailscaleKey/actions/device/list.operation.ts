import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { parseHostname } from '../../../../lib/validation';
import { matchesHostname, summarizeTailscaleDevice } from '../../helpers/devices';
import { parseAclTags } from '../../helpers/inputs';
import { show } from '../fields';
import { listDevices } from './shared';

export const description: INodeProperties[] = [
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show('tailscale', 'device', ['list']),
		options: [
			{ displayName: 'Hostname', name: 'hostname', type: 'string', default: '' },
			{ displayName: 'Tag', name: 'tag', type: 'string', default: '', placeholder: 'tag:server' },
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const hostname = filters.hostname
			? parseHostname('Hostname', String(filters.hostname), false)
			: undefined;
		const [tag] = filters.tag ? parseAclTags('Tag', filters.tag) : [];
		return (await listDevices.call(this))
			.filter((d) => !hostname || matchesHostname(d, hostname))
			.filter((d) => !tag || ((d.tags as string[] | undefined) ?? []).includes(tag))
			.map(summarizeTailscaleDevice);
	});
}
