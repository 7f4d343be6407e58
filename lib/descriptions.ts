import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/**
 * The Operation selector shown when the node's earlier choices match `show` (e.g. one resource, or one
 * resource of one backend), followed by the operations' own fields. Options are listed alphabetically,
 * so the default (the most used operation) is given separately; it falls back to the first option.
 */
export function operationSelector(
	show: Record<string, string[]>,
	options: INodePropertyOptions[],
	fields: INodeProperties[] = [],
	defaultOperation = String(options[0].value),
): INodeProperties[] {
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show },
			options,
			default: defaultOperation,
		},
		...fields,
	];
}
