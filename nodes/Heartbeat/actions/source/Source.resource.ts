import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../../lib/descriptions';
import * as check from './check.operation';
import * as recordBeat from './recordBeat.operation';
import * as status from './status.operation';

export { check, recordBeat, status };

export const description: INodeProperties[] = operationSelector(
	{ resource: ['source'] },
	[
		{
			name: 'Check',
			value: 'check',
			description: 'Detect sources that went offline or came back online',
			action: 'Check sources for missed heartbeats',
		},
		{
			name: 'Record Beat',
			value: 'recordBeat',
			description: 'Store a heartbeat from a source',
			action: 'Record a heartbeat',
		},
		{
			name: 'Status',
			value: 'status',
			description: 'Current state of one or all sources',
			action: 'Get the status of sources',
		},
	],
	[...recordBeat.description, ...check.description, ...status.description],
	'recordBeat',
);
