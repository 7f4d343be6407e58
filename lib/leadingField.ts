import type { INodeProperties } from 'n8n-workflow';

const isOperationSelector = (field: INodeProperties) => field.name === 'operation';

/**
 * The resources' descriptions (each an Operation selector followed by its operations' fields) with
 * `leading` after every selector and before any operation's own field, so the panel asks first for
 * what the node acts on (Caddy's server, the DNS zone).
 */
export function withLeadingField(
	resources: INodeProperties[][],
	leading: INodeProperties,
): INodeProperties[] {
	const fields = resources.flat();
	return [
		...fields.filter(isOperationSelector),
		leading,
		...fields.filter((field) => !isOperationSelector(field)),
	];
}
