import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { summarizeTailscaleDevice } from '../../helpers/devices';
import { tailscaleRequest } from '../../transport';
import { idField } from '../fields';
import { deviceIdAt } from './shared';

export const description: INodeProperties[] = [
	idField('tailscale', 'device', ['get', 'authorize', 'delete', 'setTags'], 'Device ID'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) =>
		summarizeTailscaleDevice(
			await tailscaleRequest.call(this, 'GET', `/device/${deviceIdAt.call(this, i)}`),
		),
	);
}
