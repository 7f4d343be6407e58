import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { isManagedInstance } from '../../helpers/managed';
import { vultrRequest } from '../../transport';
import { getInstance, instanceIdAt, instanceIdField } from './shared';

export const description: INodeProperties[] = [
	instanceIdField(['delete']),
	{
		displayName: 'Allow Unmanaged',
		name: 'allowUnmanaged',
		type: 'boolean',
		default: false,
		description: 'Whether to also destroy an instance this package did not create',
		displayOptions: { show: { resource: ['instance'], operation: ['delete'] } },
	},
];

/** Destroys an instance; by default only one carrying the package's management tag. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const id = instanceIdAt.call(this, i);
		const instance = await getInstance.call(this, id);
		if (!isManagedInstance(instance) && !this.getNodeParameter('allowUnmanaged', i, false)) {
			throw new NodeOperationError(
				this.getNode(),
				`Instance ${id} ("${String(instance.label)}") is not managed by this package`,
				{
					description: 'Switch on "Allow Unmanaged" to destroy it anyway.',
					itemIndex: i,
				},
			);
		}
		await vultrRequest.call(this, 'DELETE', `/instances/${id}`);
		return { id, label: instance.label, deleted: true };
	});
}
