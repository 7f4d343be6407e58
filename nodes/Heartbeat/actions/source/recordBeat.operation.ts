import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { InputError } from '../../../../lib/validation';
import { clock } from '../../helpers/clock';
import { iso } from '../../helpers/output';
import { sourceAt } from '../../helpers/parameters';
import { parseBaseUrl, parseJsonObject } from '../../helpers/request';
import type { HeartbeatStore } from '../../storage/types';
import { sourceField } from '../common.descriptions';
import { quoted } from '../../../../lib/errors';

const showFor = { show: { resource: ['source'], operation: ['recordBeat'] } };

export const description: INodeProperties[] = [
	{ ...sourceField, displayOptions: showFor },
	{
		displayName: 'Status',
		name: 'status',
		type: 'string',
		default: 'online',
		displayOptions: showFor,
		description:
			'What the source reports. Only "online" counts as alive; anything else marks it offline at once.',
	},
	{
		displayName: 'Metadata (JSON)',
		name: 'metadata',
		type: 'json',
		default: '{}',
		displayOptions: showFor,
		description: 'Optional details to keep with the latest beat (version, uptime …)',
		hint: 'e.g. {"version": "1.2.0"}',
	},
	{
		displayName: 'Base URL',
		name: 'baseUrl',
		type: 'string',
		default: '',
		placeholder: 'http://100.64.0.2:8080',
		displayOptions: showFor,
		description:
			"Where queued requests for this source are delivered, usually its tunnel address. Set it here in the workflow, not from the beat's payload. Empty keeps the stored one.",
		hint: "Your home service's tunnel address; the placeholder is an example",
	},
];

function parseMetadata(raw: unknown): IDataObject | null {
	const value = parseJsonObject('Metadata', raw);
	if (JSON.stringify(value).length > 16_384)
		throw new InputError('Metadata', 'is larger than 16 KB', 'tooLarge');
	return Object.keys(value).length ? (value as IDataObject) : null;
}

export async function execute(
	this: IExecuteFunctions,
	store: HeartbeatStore,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const source = sourceAt.call(this, i);
		const status = String(this.getNodeParameter('status', i, 'online'))
			.trim()
			.toLowerCase();
		if (!/^[a-z][a-z0-9_-]{0,31}$/.test(status)) {
			throw new InputError(
				'Status',
				`${quoted(status.slice(0, 40))} is not a status word (e.g. online, offline, maintenance)`,
			);
		}
		const metadata = parseMetadata(this.getNodeParameter('metadata', i, '{}'));
		const rawBaseUrl = String(this.getNodeParameter('baseUrl', i, '')).trim();
		const baseUrl = rawBaseUrl ? parseBaseUrl('Base URL', rawBaseUrl) : null;
		const record = await store.recordBeat({ source, status, metadata, baseUrl, at: clock.now() });
		return { source, status, lastSeen: iso(record.lastSeen), state: record.state };
	});
}
