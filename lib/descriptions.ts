import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/**
 * The Operation selector shown when the node's earlier choices match `show` (e.g. one resource, or one
 * resource of one backend), followed by the operations' own fields. The first option is the default.
 */
export function operationSelector(
	show: Record<string, string[]>,
	options: INodePropertyOptions[],
	fields: INodeProperties[] = [],
): INodeProperties[] {
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show },
			options,
			default: String(options[0].value),
		},
		...fields,
	];
}
