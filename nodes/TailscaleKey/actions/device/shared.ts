import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { parseId } from '../../helpers/inputs';
import { tailscaleRequest, tailscaleSettings } from '../../transport';

export async function listDevices(this: IExecuteFunctions): Promise<IDataObject[]> {
	const { tailnet } = await tailscaleSettings.call(this);
	const { devices = [] } = (await tailscaleRequest.call(
		this,
		'GET',
		`/tailnet/${tailnet}/devices`,
	)) as { devices?: IDataObject[] };
	return devices;
}

export function deviceIdAt(this: IExecuteFunctions, i: number): string {
	return parseId('Device ID', this.getNodeParameter('id', i));
}
