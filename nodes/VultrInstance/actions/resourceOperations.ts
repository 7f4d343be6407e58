import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** The Operation selector of one resource, followed by its operations' own fields. */
export function operationSelector(
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
			displayOptions: { show: { resource: [resource] } },
			options,
			default: String(options[0].value),
		},
		...fields,
	];
}
