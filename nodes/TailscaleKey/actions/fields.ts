import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

export type Backend = 'tailscale' | 'headscale';

/** Operation selector of one resource of one backend, followed by the operations' fields. */
export function operationSelector(
	backend: Backend,
	resource: string,
	options: INodePropertyOptions[],
	fields: INodeProperties[] = [],
): INodeProperties[] {
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { backend: [backend], resource: [resource] } },
			options,
			default: String(options[0].value),
		},
		...fields,
	];
}

export const show = (backend: Backend, resource: string, operations: string[]) => ({
	show: { backend: [backend], resource: [resource], operation: operations },
});

export const tagsField = (backend: Backend, resource: string, operations: string[], description: string): INodeProperties => ({
	displayName: 'Tags',
	name: 'tags',
	type: 'string',
	default: '',
	placeholder: 'tag:server, tag:ingress',
	description,
	displayOptions: show(backend, resource, operations),
});

export const expiryField = (backend: Backend, resource: string): INodeProperties => ({
	displayName: 'Expiry',
	name: 'expiry',
	type: 'string',
	default: '1h',
	description: 'How long the key can be used to join: 30m, 1h, 7d … (a short life is safer)',
	displayOptions: show(backend, resource, ['create']),
});

export const idField = (backend: Backend, resource: string, operations: string[], displayName: string): INodeProperties => ({
	displayName,
	name: 'id',
	type: 'string',
	required: true,
	default: '',
	displayOptions: show(backend, resource, operations),
});
