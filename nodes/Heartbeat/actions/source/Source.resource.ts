import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import { operation, type Operations } from '../../../../lib/router';
import type { HeartbeatStore } from '../../storage/types';
import * as check from './check.operation';
import * as recordBeat from './recordBeat.operation';
import * as status from './status.operation';

export const operations: Operations<[HeartbeatStore]> = {
	recordBeat: operation(recordBeat, {
		name: 'Record Beat',
		description: 'Store a heartbeat from a source',
		action: 'Record a heartbeat',
	}),
	check: operation(check, {
		name: 'Check',
		description: 'Detect sources that went offline or came back online',
		action: 'Check sources for missed heartbeats',
	}),
	status: operation(status, {
		name: 'Status',
		description: 'Current state of one or all sources',
		action: 'Get the status of sources',
	}),
};

export const description: INodeProperties[] = operationSelector(
	{ resource: ['source'] },
	operations,
	{
		default: 'recordBeat',
	},
);
