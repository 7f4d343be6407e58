import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { clock } from '../../helpers/clock';
import { evaluate, fieldsOf } from '../../helpers/liveness';
import { iso } from '../../helpers/output';
import { livenessAt, sourceFilterAt } from '../../helpers/parameters';
import type { HeartbeatStore } from '../../storage/types';
import { livenessField, sourceFilterField } from '../common.descriptions';

const showFor = { show: { resource: ['source'], operation: ['check'] } };

export const description: INodeProperties[] = [
	{ ...sourceFilterField, displayOptions: showFor },
	{ ...livenessField, displayOptions: showFor },
	{
		displayName: 'Check Options',
		name: 'checkOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showFor,
		options: [
			{
				displayName: 'Include Steady State',
				name: 'includeSteady',
				type: 'boolean',
				default: false,
				description: 'Whether to output sources whose state did not change too (event "steady")',
			},
			{
				displayName: 'Remind Every (Minutes)',
				name: 'remindEveryMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'While a source stays offline, output a "stillOffline" event this often; 0 for never',
			},
		],
	},
];

/**
 * Compares each source's beats with its stored state and stores the new one. A transition is written
 * with compare-and-set, so when two Checks run at once only one of them reports it.
 */
export async function execute(
	this: IExecuteFunctions,
	store: HeartbeatStore,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const options = this.getNodeParameter('checkOptions', i, {}) as IDataObject;
		const policy = livenessAt.call(this, i, Number(options.remindEveryMinutes ?? 0));
		const now = clock.now();
		const results: IDataObject[] = [];
		for (const source of await store.getSources(sourceFilterAt.call(this, i))) {
			const evaluation = evaluate(source, policy, now);
			const current = fieldsOf(source);
			const changed = JSON.stringify(evaluation.next) !== JSON.stringify(current);
			const won = changed
				? await store.updateLiveness(source.source, current, evaluation.next)
				: true;
			if (evaluation.event === 'steady' ? !options.includeSteady : !won) continue;
			results.push({
				source: source.source,
				event: evaluation.event,
				state: evaluation.state,
				previousState: source.state,
				lastSeen: iso(source.lastSeen),
				lastStatus: source.lastStatus,
				missedBeats: evaluation.missedBeats,
				...(evaluation.state === 'offline'
					? { offlineSince: iso(evaluation.next.stateSince) }
					: {}),
				...(evaluation.downtimeMs !== undefined
					? { downtimeSeconds: Math.round(evaluation.downtimeMs / 1000) }
					: {}),
				checkedAt: iso(now),
			});
		}
		return results;
	});
}
