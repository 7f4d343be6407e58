import { operationSelector } from '../../../../lib/descriptions';
import * as list from './list.operation';

export { list };

export const description = operationSelector({ resource: ['region'] }, [
	{
		name: 'Get Many',
		value: 'list',
		description: 'List Vultr regions',
		action: 'Get many regions',
	},
]);
