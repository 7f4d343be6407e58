import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { InputError } from '../../../../lib/validation';
import { clock } from '../../helpers/clock';
import { drainQueue } from '../../helpers/drainer';
import { deliveryAt, drainSettingsAt, sourceFilterAt } from '../../helpers/parameters';
import type { HeartbeatStore } from '../../storage/types';
import { deliverToHome } from '../../transport';
import { deliveryField, drainField, sourceFilterField } from '../common.descriptions';

const showFor = { show: { resource: ['queue'], operation: ['drain'] } };

export const description: INodeProperties[] = [sourceFilterField, deliveryField, drainField].map(
	(field) => ({
		...field,
		displayOptions: showFor,
	}),
);

export async function execute(
	this: IExecuteFunctions,
	store: HeartbeatStore,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const only = sourceFilterAt.call(this, i);
		const delivery = deliveryAt.call(this, i);
		const { keepDeliveredMs, ...settings } = drainSettingsAt.call(this, i);
		if (delivery.baseUrlOverride && !only) {
			throw new InputError(
				'Base URL Override',
				'can only be used when draining one source (set Source)',
			);
		}
		const summary = await drainQueue(
			store,
			async (baseUrl, item) => await deliverToHome.call(this, baseUrl, item, delivery),
			{
				...settings,
				sources: only ? [only] : undefined,
				baseUrlFor: async (source) =>
					delivery.baseUrlOverride ?? (await store.getSources(source))[0]?.baseUrl ?? undefined,
				now: clock.now,
				signal: this.getExecutionCancelSignal(),
			},
		);
		const purgedDelivered = await store.purgeDelivered(clock.now() - keepDeliveredMs);
		return { ...summary, sources: summary.sources as unknown as IDataObject[], purgedDelivered };
	});
}
