import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { InputError } from '../../../../lib/validation';
import {
	isAbsent,
	parseDnsServer,
	queryOnce,
	sameValues,
	type DnsAnswer,
} from '../../helpers/dnsQuery';
import { qualifyName } from '../../helpers/names';
import { zoneNameAt } from '../../helpers/parameters';
import { buildRRset } from '../../helpers/records';
import { RECORD_TYPES, type RecordType } from '../../transport/types';
import { contentField, nameField, typeField } from '../common.descriptions';
import { quoted } from '../../../../lib/errors';

const showFor = { resource: ['record'], operation: ['verify'] };
const QUERY_TIMEOUT_MS = 2_000;

export const description: INodeProperties[] = [
	{ ...nameField, displayOptions: { show: showFor } },
	{ ...typeField, displayOptions: { show: showFor } },
	{
		displayName: 'Expect',
		name: 'expect',
		type: 'options',
		default: 'values',
		options: [
			{
				name: 'These Values',
				value: 'values',
				description: 'The answer is exactly the values in Content',
			},
			{
				name: 'No Record',
				value: 'absent',
				description: 'The name has no record of this type (after a delete)',
			},
		],
		displayOptions: { show: showFor },
	},
	{
		...contentField,
		description: 'The expected value(s); several comma-separated for A/AAAA',
		displayOptions: { show: { ...showFor, expect: ['values'] } },
	},
	{
		displayName: 'DNS Server',
		name: 'dnsServer',
		type: 'string',
		default: '1.1.1.1',
		required: true,
		placeholder: '1.1.1.1 or 192.0.2.53:5300',
		description:
			"IP address (optionally :port) to ask: the zone's authoritative server for a quick check, or a public resolver to see what users see",
		hint: 'Authoritative server: quick check; public resolver: what users see',
		displayOptions: { show: showFor },
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		default: 120,
		typeOptions: { minValue: 1, maxValue: 3600 },
		description: 'How long to keep asking before giving up',
		displayOptions: { show: showFor },
	},
	{
		displayName: 'Error On Timeout',
		name: 'errorOnTimeout',
		type: 'boolean',
		default: true,
		description:
			'Whether a mismatch at the deadline fails the node; off, it outputs matched: false',
		displayOptions: { show: showFor },
	},
];

const INTERVAL_MS = 2_000;

/** Asks the DNS server until the answer matches or the deadline passes; outputs what it saw last. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const zone = zoneNameAt.call(this, i);
		const type = String(this.getNodeParameter('type', i)) as RecordType;
		if (!RECORD_TYPES.includes(type))
			throw new InputError('Type', `${quoted(type)} is not one of ${RECORD_TYPES.join(', ')}`);
		const name = qualifyName('Name', String(this.getNodeParameter('name', i, '')), zone, true);
		const expect = this.getNodeParameter('expect', i) as 'values' | 'absent';
		const expected =
			expect === 'values'
				? buildRRset(
						{ name, type, content: String(this.getNodeParameter('content', i, '')) },
						zone,
						{ types: RECORD_TYPES, proxied: false },
						'verification',
					).values.map((v) => v.content)
				: [];
		const server = parseDnsServer('DNS Server', String(this.getNodeParameter('dnsServer', i)));
		const timeoutMs = Number(this.getNodeParameter('timeout', i, 120)) * 1000;
		const signal = this.getExecutionCancelSignal();

		const started = Date.now();
		let answer: DnsAnswer = { values: [] };
		let attempts = 0;
		let matched = false;
		while (!signal?.aborted) {
			attempts++;
			const left = started + timeoutMs - Date.now();
			answer = await queryOnce(server, name, type, Math.max(100, Math.min(QUERY_TIMEOUT_MS, left)));
			matched = expect === 'absent' ? isAbsent(answer) : sameValues(answer.values, expected);
			if (matched || Date.now() + INTERVAL_MS > started + timeoutMs) break;
			await sleep(INTERVAL_MS);
		}
		const result = {
			name,
			type,
			server,
			expect,
			expected,
			matched,
			seen: answer.values,
			...(answer.priorities ? { priorities: answer.priorities } : {}),
			...(answer.code ? { code: answer.code } : {}),
			attempts,
			elapsedMs: Date.now() - started,
		};
		if (!matched && this.getNodeParameter('errorOnTimeout', i, true)) {
			throw new NodeOperationError(
				this.getNode(),
				`DNS at ${server} did not answer as expected for ${name} ${type} within ${timeoutMs / 1000} s`,
				{
					itemIndex: i,
					description: `Last answer: ${answer.values.length ? answer.values.join(', ') : (answer.code ?? 'empty')}; expected ${expect === 'absent' ? 'no record' : expected.join(', ')}.`,
				},
			);
		}
		return result;
	});
}
