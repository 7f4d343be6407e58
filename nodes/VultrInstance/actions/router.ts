import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { selectOperation } from '../../../lib/router';
import * as firewall from './firewall/Firewall.resource';
import * as instance from './instance/Instance.resource';
import * as os from './os/Os.resource';
import * as plan from './plan/Plan.resource';
import * as region from './region/Region.resource';
import * as snapshot from './snapshot/Snapshot.resource';
import * as sshKey from './sshKey/SshKey.resource';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

const resources: Record<string, Record<string, Operation>> = {
	instance: {
		create: instance.create,
		get: instance.get,
		list: instance.list,
		delete: instance.delete,
		start: instance.start,
		halt: instance.halt,
		reboot: instance.reboot,
		waitUntilReady: instance.waitUntilReady,
	},
	region: { list: region.list },
	plan: { list: plan.list },
	os: { list: os.list },
	sshKey: { ensure: sshKey.ensure, list: sshKey.list, delete: sshKey.delete },
	firewall: { ensure: firewall.ensure, list: firewall.list, delete: firewall.delete },
	snapshot: {
		create: snapshot.create,
		list: snapshot.list,
		delete: snapshot.delete,
		prune: snapshot.prune,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return [await selectOperation(this, resources).execute.call(this)];
}
