import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Operations } from './router';

export interface SelectorSettings {
	/** The operation selected at first. Default: the first option shown. */
	default?: string;
	/** `byName` (default) sorts the options by name; `asListed` keeps the order of `operations`. */
	order?: 'byName' | 'asListed';
	/** Fields of the whole resource, placed before the operations' own fields. */
	fields?: INodeProperties[];
}

/**
 * The Operation selector shown when the node's earlier choices match `show` (e.g. one resource, or one
 * resource of one backend; none for a node without resources), followed by the fields of every
 * operation in the order `operations` lists them.
 */
export function operationSelector<Args extends unknown[]>(
	show: Record<string, string[]> | undefined,
	operations: Operations<Args>,
	settings: SelectorSettings = {},
): INodeProperties[] {
	const options: INodePropertyOptions[] = Object.entries(operations).map(([value, { option }]) => {
		// the value right after the name, the rest as the resource wrote it
		const { name, ...rest } = option;
		return { name, value, ...rest };
	});
	if (settings.order !== 'asListed') options.sort((a, b) => a.name.localeCompare(b.name));
	const defaultOperation = settings.default ?? String(options[0].value);
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			...(show ? { displayOptions: { show } } : {}),
			options,
			default: defaultOperation,
		},
		...(settings.fields ?? []),
		...Object.values(operations).flatMap((operation) => operation.description),
	];
}
