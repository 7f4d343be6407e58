import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as deadLetter from './actions/deadLetter/DeadLetter.resource';
import * as queue from './actions/queue/Queue.resource';
import { router } from './actions/router';
import * as source from './actions/source/Source.resource';
import { credentialTest } from './methods';

export class Heartbeat implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Heartbeat',
		name: 'heartbeat',
		icon: { light: 'file:heartbeat.svg', dark: 'file:heartbeat.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Track heartbeats from home and hold requests in a queue while it is offline',
		defaults: { name: 'Heartbeat' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'homelabPostgresApi',
				required: true,
				testedBy: 'homelabPostgresConnectionTest',
				displayOptions: { show: { storage: ['postgres'] } },
			},
		],
		properties: [
			{
				displayName: 'Storage',
				name: 'storage',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Embedded (SQLite)',
						value: 'embedded',
						description: 'A file in the n8n user folder; for a single n8n instance',
					},
					{
						name: 'PostgreSQL',
						value: 'postgres',
						description: 'Shared by every n8n worker; needed in queue mode',
					},
				],
				default: 'embedded',
				hint: 'Use one store for all Heartbeat nodes; PostgreSQL for queue mode',
			},
			{
				displayName: 'Database File',
				name: 'databaseFile',
				type: 'string',
				default: '',
				placeholder: '~/.n8n/homelab-ingress-heartbeat.sqlite',
				description:
					'Path of the SQLite file; empty for homelab-ingress-heartbeat.sqlite in the n8n user folder',
				displayOptions: { show: { storage: ['embedded'] } },
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Dead Letter', value: 'deadLetter' },
					{ name: 'Queue', value: 'queue' },
					{ name: 'Source', value: 'source' },
				],
				default: 'source',
			},
			...source.description,
			...queue.description,
			...deadLetter.description,
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
