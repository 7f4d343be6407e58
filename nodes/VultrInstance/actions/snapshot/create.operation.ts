import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { assertNoControlChars, InputError } from '../../../../lib/validation';
import { parseResourceId } from '../../helpers/inputs';
import { vultrObject } from '../../transport';

const show = { resource: ['snapshot'], operation: ['create'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Instance ID',
		name: 'instanceId',
		type: 'string',
		required: true,
		default: '',
		hint: 'The "id" of Instance → Create or Get Many, e.g. {{ $json.id }}',
		displayOptions: { show },
	},
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		default: '={{ "backup-" + $now.toFormat("yyyy-MM-dd-HHmm") }}',
		description: 'Start it with the prefix that Prune keeps an eye on',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const instanceId = parseResourceId('Instance ID', this.getNodeParameter('instanceId', i));
		const text = assertNoControlChars(
			'Description',
			String(this.getNodeParameter('description', i, '')),
		).trim();
		if (text.length > 200) throw new InputError('Description', 'is longer than 200 characters');
		const body = { instance_id: instanceId, description: text };
		const snapshot = await vultrObject.call(this, 'POST', '/snapshots', 'snapshot', { body });
		return { ...snapshot, instanceId };
	});
}
