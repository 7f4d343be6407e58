import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { failureItem, toNodeError } from '../../../../lib/execute';
import { InputError } from '../../../../lib/validation';
import { ownerIdAt, providerAt, withZone, zoneNameAt } from '../../helpers/parameters';
import { hasChanges, planChanges, summarizePlan } from '../../helpers/plan';
import {
	buildRRset,
	listFields,
	parseTtl,
	rrsetKey,
	type RecordInput,
} from '../../helpers/records';
import type { ProviderCapabilities, RRset } from '../../transport/types';
import { adoptField, ownerIdField, ttlField } from '../common.descriptions';

const showFor = { resource: ['record'], operation: ['sync'] };
const LIST_LABEL = 'Records';

export const description: INodeProperties[] = [
	{
		displayName: 'Records (JSON)',
		name: 'records',
		type: 'json',
		default: '[]',
		required: true,
		description:
			'Every record this owner should have in the zone: [{"name","type","content","ttl"?,"priority"?,"proxied"?}], content a string or a list of values. This owner\'s records not listed are deleted; an empty list removes them all.',
		hint: 'e.g. [{"name": "app", "type": "A", "content": "203.0.113.10"}]',
		displayOptions: { show: showFor },
	},
	{
		...ttlField,
		displayName: 'Default TTL',
		description: 'TTL for entries that give none',
		displayOptions: { show: showFor },
	},
	{ ...ownerIdField, displayOptions: { show: showFor } },
	{ ...adoptField, displayOptions: { show: showFor } },
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description: 'Whether to only return the diff, without changing the zone',
		displayOptions: { show: showFor },
	},
];

function recordList(this: IExecuteFunctions): RecordInput[] {
	const raw = this.getNodeParameter('records', 0);
	let list: unknown = raw;
	if (typeof raw === 'string') {
		try {
			list = JSON.parse(raw);
		} catch (error) {
			throw new NodeOperationError(
				this.getNode(),
				`Invalid Records (JSON): ${(error as Error).message}`,
			);
		}
	}
	if (!Array.isArray(list))
		throw new InputError('Records (JSON)', 'must be a JSON array of records');
	return list.map((entry, index) => {
		if (!entry || typeof entry !== 'object' || Array.isArray(entry))
			throw new InputError(`${LIST_LABEL}[${index}]`, 'is not an object');
		return entry as RecordInput;
	});
}

function desiredRRsets(
	inputs: RecordInput[],
	zone: string,
	capabilities: ProviderCapabilities,
	provider: string,
	defaultTtl: number,
): RRset[] {
	const seen = new Set<string>();
	return inputs.map((input, index) => {
		const rrset = buildRRset(
			input,
			zone,
			capabilities,
			provider,
			listFields(LIST_LABEL, index),
			defaultTtl,
		);
		const key = rrsetKey(rrset);
		if (seen.has(key)) {
			throw new InputError(
				`${LIST_LABEL}[${index}]`,
				`${rrset.name} ${rrset.type} is listed twice; give several values as one entry's content list`,
			);
		}
		seen.add(key);
		return rrset;
	});
}

/**
 * Converges this owner's records in the zone to the list in one pass: one read of the zone, then only
 * the changes (none on an identical re-run). Records without this owner's mark are never touched
 * unless Adopt is on. Runs once for all input items.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const pairedItem = this.getInputData().map((_, item) => ({ item }));
	try {
		const zoneName = zoneNameAt.call(this, 0);
		const ownerId = ownerIdAt.call(this, 0);
		const adopt = this.getNodeParameter('adopt', 0, false) as boolean;
		const dryRun = this.getNodeParameter('dryRun', 0, false) as boolean;
		const provider = await providerAt.call(this, 0);
		const defaultTtl = parseTtl(
			'Default TTL',
			this.getNodeParameter('ttl', 0, 300),
			provider.capabilities,
		);
		const desired = desiredRRsets(
			recordList.call(this),
			zoneName,
			provider.capabilities,
			provider.name,
			defaultTtl,
		);

		const zone = await provider.findZone(zoneName);
		const current = await provider.readRRsets(zone);
		const plan = planChanges(current, desired, {
			ownerId,
			adopt,
			removeUndesired: true,
			conflictField: 'Records (JSON)',
		});
		const changed = hasChanges(plan);
		if (changed && !dryRun) await provider.apply(zone, plan.change, ownerId);
		const summary: IDataObject = withZone(provider, zone, {
			dryRun,
			changed: changed && !dryRun,
			...summarizePlan(plan, zone.name),
		});
		return [{ json: summary, pairedItem }];
	} catch (error) {
		const nodeError = await toNodeError.call(this, error, 0);
		if (this.continueOnFail()) return [failureItem(error, nodeError, pairedItem)];
		throw nodeError;
	}
}
