import type { INodeProperties } from 'n8n-workflow';

export type Backend = 'tailscale' | 'headscale';

export const show = (backend: Backend, resource: string, operations: string[]) => ({
	show: { backend: [backend], resource: [resource], operation: operations },
});

export const tagsField = (
	backend: Backend,
	resource: string,
	operations: string[],
	description: string,
): INodeProperties => ({
	displayName: 'Tags',
	name: 'tags',
	type: 'string',
	default: '',
	hint: 'Each tag must be in the tagOwners of your tailnet policy first',
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

export const idField = (
	backend: Backend,
	resource: string,
	operations: string[],
	displayName: string,
): INodeProperties => ({
	displayName,
	name: 'id',
	type: 'string',
	required: true,
	default: '',
	hint: 'The "id" of a Get Many output, e.g. {{ $json.id }}',
	displayOptions: show(backend, resource, operations),
});
