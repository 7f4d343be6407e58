import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { parseId } from '../../helpers/inputs';
import { tailscaleRequest, tailscaleSettings } from '../../transport';
import { idField } from '../fields';

export const description: INodeProperties[] = [
	idField('tailscale', 'authKey', ['get', 'delete'], 'Key ID'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { tailnet } = await tailscaleSettings.call(this);
	return await mapItems.call(this, async (i) => {
		const id = parseId('Key ID', this.getNodeParameter('id', i));
		return await tailscaleRequest.call(this, 'GET', `/tailnet/${tailnet}/keys/${id}`);
	});
}
