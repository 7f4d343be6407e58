import { operationSelector } from '../resourceOperations';
import * as list from './list.operation';

export { list };

export const description = operationSelector('os', [
	{ name: 'Get Many', value: 'list', description: 'List operating systems', action: 'Get many operating systems' },
]);
