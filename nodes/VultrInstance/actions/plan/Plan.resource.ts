import { operationSelector } from '../../../../lib/descriptions';
import * as list from './list.operation';

export { list };

export const description = operationSelector(
	{ resource: ['plan'] },
	[
		{
			name: 'Get Many',
			value: 'list',
			description: 'List plans with cost and size',
			action: 'Get many plans',
		},
	],
	list.description,
);
