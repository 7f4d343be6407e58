import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError, toList } from '../../../../lib/validation';
import { sourceFilterAt } from '../../helpers/parameters';
import type { DeadLetterFilter } from '../../storage/types';
import { quoted } from '../../../../lib/errors';

export const idsField: INodeProperties = {
	displayName: 'IDs',
	name: 'ids',
	type: 'string',
	default: '',
	placeholder: '12, 13',
	description:
		'Only these dead letters (comma-separated queue IDs); empty for all of the source(s)',
};

export function deadLetterFilterAt(this: IExecuteFunctions, i: number): DeadLetterFilter {
	const ids = toList(this.getNodeParameter('ids', i, '')).map((raw) => {
		if (!/^\d{1,15}$/.test(raw))
			throw new InputError('IDs', `${quoted(raw.slice(0, 30))} is not a queue ID`);
		return Number(raw);
	});
	return { source: sourceFilterAt.call(this, i), ids: ids.length ? ids : undefined };
}
