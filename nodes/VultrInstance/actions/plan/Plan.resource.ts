import { operationSelector } from '../resourceOperations';
import * as list from './list.operation';

export { list };

export const description = operationSelector(
	'plan',
	[{ name: 'Get Many', value: 'list', description: 'List plans with cost and size', action: 'Get many plans' }],
	list.description,
);
