import { operationSelector } from '../../../../lib/descriptions';
import * as list from './list.operation';

export { list };

export const description = operationSelector({ resource: ['os'] }, [
	{
		name: 'Get Many',
		value: 'list',
		description: 'List operating systems',
		action: 'Get many operating systems',
	},
]);
