import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { parseHostname } from '../../../../lib/validation';
import { matchesHostname, summarizeTailscaleDevice } from '../../helpers/devices';
import { show } from '../fields';
import { listDevices } from './shared';

export const description: INodeProperties[] = [
	{
		displayName: 'Hostname',
		name: 'hostname',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'homeserver',
		description: 'Machine name or MagicDNS name of the device',
		hint: 'As the Tailscale admin console shows it, e.g. homeserver',
		displayOptions: show('tailscale', 'device', ['resolveAddress']),
	},
];

/** Hostname → tunnel IP, so routes never carry hand-copied 100.x.y.z addresses. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const hostname = parseHostname('Hostname', String(this.getNodeParameter('hostname', i)), false);
		const matches = (await listDevices.call(this)).filter((d) => matchesHostname(d, hostname));
		if (matches.length !== 1) {
			throw new NodeOperationError(
				this.getNode(),
				matches.length
					? `${matches.length} devices are called "${hostname}"; use the MagicDNS name`
					: `No device called "${hostname}" in the tailnet`,
				{ itemIndex: i },
			);
		}
		const device = summarizeTailscaleDevice(matches[0]);
		return { hostname, address: device.ipv4 ?? device.ipv6, ...device };
	});
}
