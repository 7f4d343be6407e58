import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { clock } from '../../helpers/clock';
import { evaluate } from '../../helpers/liveness';
import { iso } from '../../helpers/output';
import { livenessAt, sourceFilterAt } from '../../helpers/parameters';
import type { HeartbeatStore } from '../../storage/types';
import { livenessField, sourceFilterField } from '../common.descriptions';

const showFor = { show: { resource: ['source'], operation: ['status'] } };

export const description: INodeProperties[] = [
	{ ...sourceFilterField, displayOptions: showFor },
	{ ...livenessField, displayOptions: showFor },
];

/** The state of each source judged from its beats right now, with its queue; changes nothing. */
export async function execute(
	this: IExecuteFunctions,
	store: HeartbeatStore,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const policy = livenessAt.call(this, i);
		const filter = sourceFilterAt.call(this, i);
		const now = clock.now();
		const stats = new Map((await store.stats(filter)).map((s) => [s.source, s]));
		return (await store.getSources(filter)).map((source) => {
			const evaluation = evaluate(source, policy, now);
			return {
				source: source.source,
				state: evaluation.state,
				storedState: source.state,
				lastSeen: iso(source.lastSeen),
				lastStatus: source.lastStatus,
				secondsSinceLastBeat:
					source.lastSeen === null ? null : Math.round((now - source.lastSeen) / 1000),
				missedBeats: evaluation.missedBeats,
				baseUrl: source.baseUrl,
				metadata: source.metadata,
				pending: stats.get(source.source)?.pending ?? 0,
				dead: stats.get(source.source)?.dead ?? 0,
			};
		});
	});
}
