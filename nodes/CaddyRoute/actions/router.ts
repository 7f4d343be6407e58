import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { selectOperation } from '../../../lib/router';
import * as route from './route/Route.resource';
import * as server from './server/Server.resource';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

const resources: Record<string, Record<string, Operation>> = {
	route: {
		upsert: route.upsert,
		delete: route.delete,
		get: route.get,
		list: route.list,
		sync: route.sync,
	},
	server: { ensure: server.ensure, exportCaddyfile: server.exportCaddyfile },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return [await selectOperation(this, resources).execute.call(this)];
}
