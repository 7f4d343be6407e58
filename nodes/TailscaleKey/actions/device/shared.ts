import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { parseId } from '../../helpers/inputs';
import { tailscaleList, tailscaleSettings } from '../../transport';

export async function listDevices(this: IExecuteFunctions): Promise<IDataObject[]> {
	const { tailnet } = await tailscaleSettings.call(this);
	return await tailscaleList.call(this, `/tailnet/${tailnet}/devices`, 'devices');
}

export function deviceIdAt(this: IExecuteFunctions, i: number): string {
	return parseId('Device ID', this.getNodeParameter('id', i));
}
