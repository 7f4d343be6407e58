import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { selectOperation } from '../../../lib/router';
import * as authKey from './authKey/AuthKey.resource';
import * as device from './device/Device.resource';
import * as node from './headscaleNode/HeadscaleNode.resource';
import * as preAuthKey from './preAuthKey/PreAuthKey.resource';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

const backends: Record<string, Record<string, Record<string, Operation>>> = {
	tailscale: {
		authKey: {
			create: authKey.create,
			get: authKey.get,
			list: authKey.list,
			delete: authKey.delete,
		},
		device: {
			list: device.list,
			get: device.get,
			authorize: device.authorize,
			delete: device.delete,
			setTags: device.setTags,
			resolveAddress: device.resolveAddress,
		},
	},
	headscale: {
		preAuthKey: { create: preAuthKey.create, list: preAuthKey.list, expire: preAuthKey.expire },
		node: { list: node.list, get: node.get, delete: node.delete },
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const backend = this.getNodeParameter('backend', 0) as string;
	return [await selectOperation(this, backends[backend] ?? {}, backend).execute.call(this)];
}
