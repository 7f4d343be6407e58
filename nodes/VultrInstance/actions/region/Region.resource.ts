import { operationSelector } from '../resourceOperations';
import * as list from './list.operation';

export { list };

export const description = operationSelector('region', [
	{ name: 'Get Many', value: 'list', description: 'List Vultr regions', action: 'Get many regions' },
]);
