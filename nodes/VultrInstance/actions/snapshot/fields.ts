import type { INodeProperties } from 'n8n-workflow';

export const prefixField = (operations: string[], required: boolean): INodeProperties => ({
	displayName: 'Description Prefix',
	name: 'prefix',
	type: 'string',
	required,
	default: '',
	hint: 'Snapshots whose description starts with it, e.g. backup-ingress-',
	placeholder: 'backup-ingress-',
	displayOptions: { show: { resource: ['snapshot'], operation: operations } },
});
