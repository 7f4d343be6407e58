import { operationSelector } from '../../../../lib/descriptions';
import * as create from './create.operation';
import * as expire from './expire.operation';
import * as list from './list.operation';
import { apiLevelField } from './shared';

export { create, expire, list };

export const description = operationSelector(
	{ backend: ['headscale'], resource: ['preAuthKey'] },
	[
		{
			name: 'Create',
			value: 'create',
			description: 'Create a pre-auth key',
			action: 'Create a pre-auth key',
		},
		{
			name: 'Expire',
			value: 'expire',
			description: 'Expire a pre-auth key',
			action: 'Expire a pre-auth key',
		},
		{
			name: 'Get Many',
			value: 'list',
			description: 'List pre-auth keys',
			action: 'Get many pre-auth keys',
		},
	],
	[apiLevelField, ...create.description, ...list.description, ...expire.description],
);
