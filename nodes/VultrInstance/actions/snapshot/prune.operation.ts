import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { InputError } from '../../../../lib/validation';
import { parseDescriptionPrefix } from '../../helpers/inputs';
import { snapshotsToPrune } from '../../helpers/snapshotPrune';
import { vultrListAll, vultrRequest } from '../../transport';
import { prefixField } from './fields';

const show = { resource: ['snapshot'], operation: ['prune'] };

export const description: INodeProperties[] = [
	prefixField(['prune'], true),
	{
		displayName: 'Keep',
		name: 'keep',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 7,
		description: 'How many of the newest matching snapshots survive',
		displayOptions: { show },
	},
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description: 'Whether to only report what would be deleted',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const prefix = parseDescriptionPrefix('Description Prefix', this.getNodeParameter('prefix', i));
		const keep = Number(this.getNodeParameter('keep', i));
		if (!Number.isInteger(keep) || keep < 1)
			throw new InputError('Keep', `${keep} must be a whole number of at least 1`);
		const dryRun = this.getNodeParameter('dryRun', i, false) as boolean;
		const doomed = snapshotsToPrune(
			await vultrListAll.call(this, '/snapshots', 'snapshots'),
			prefix,
			keep,
		);
		if (!dryRun) {
			for (const snapshot of doomed)
				await vultrRequest.call(this, 'DELETE', `/snapshots/${String(snapshot.id)}`);
		}
		return {
			prefix,
			keep,
			dryRun,
			deleted: doomed.map((s) => ({
				id: s.id,
				description: s.description,
				dateCreated: s.date_created,
			})),
		};
	});
}
