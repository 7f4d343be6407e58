import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { DEFAULT_READINESS, pollUntilReady, type ReadinessPlan } from '../../helpers/readiness';
import { isManagedInstance } from '../../helpers/managed';
import { parseResourceId } from '../../helpers/inputs';
import { summarizeInstance } from '../../helpers/instanceSummary';
import { vultrListAll, vultrObject } from '../../transport';
import { InputError } from '../../../../lib/validation';

export function instanceIdField(operations: string[]): INodeProperties {
	return {
		displayName: 'Instance ID',
		name: 'instanceId',
		type: 'string',
		required: true,
		default: '',
		hint: 'The "id" of Instance → Create or Get Many, e.g. {{ $json.id }}',
		placeholder: 'cb676a46-66fd-4dfb-b839-443f2e6c0b60',
		displayOptions: { show: { resource: ['instance'], operation: operations } },
	};
}

export function instanceIdAt(this: IExecuteFunctions, itemIndex: number): string {
	return parseResourceId('Instance ID', this.getNodeParameter('instanceId', itemIndex));
}

export const readinessOptions = (show: Record<string, string[] | boolean[]>): INodeProperties => ({
	displayName: 'Readiness Options',
	name: 'readiness',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show },
	options: [
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 10, maxValue: 3600 },
			default: 600,
			description: 'Fail when the instance is not ready by then',
		},
		{
			displayName: 'Minimum Boot Time (Seconds)',
			name: 'minimumBootSeconds',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 600 },
			default: 45,
			description: 'A new instance is not polled before it is this old; Vultr boots take 60-120 s',
		},
	],
});

export function readinessPlanAt(this: IExecuteFunctions, itemIndex: number): ReadinessPlan {
	const options = this.getNodeParameter('readiness', itemIndex, {}) as IDataObject;
	const timeout = Number(options.timeoutSeconds ?? DEFAULT_READINESS.timeoutMs / 1000);
	const minimumBoot = Number(options.minimumBootSeconds ?? DEFAULT_READINESS.minimumBootMs / 1000);
	if (!(timeout >= 1))
		throw new InputError('Timeout (Seconds)', `${timeout} is not a positive number of seconds`);
	if (!(minimumBoot >= 0))
		throw new InputError('Minimum Boot Time (Seconds)', `${minimumBoot} is negative`);
	return { ...DEFAULT_READINESS, timeoutMs: timeout * 1000, minimumBootMs: minimumBoot * 1000 };
}

export async function getInstance(this: IExecuteFunctions, id: string): Promise<IDataObject> {
	return await vultrObject.call(this, 'GET', `/instances/${id}`, 'instance');
}

/** The managed instances carrying exactly this label (Vultr's filter is the first cut; we re-check). */
export async function findManagedByLabel(
	this: IExecuteFunctions,
	label: string,
): Promise<IDataObject[]> {
	const found = await vultrListAll.call(this, '/instances', 'instances', { label });
	return found.filter((instance) => instance.label === label && isManagedInstance(instance));
}

/** Waits for readiness and returns the summary; a timeout is an error naming the last state seen. */
export async function waitForInstance(
	this: IExecuteFunctions,
	id: string,
	plan: ReadinessPlan,
	known?: IDataObject,
): Promise<IDataObject> {
	const result = await pollUntilReady(
		() => getInstance.call(this, id),
		plan,
		{ now: Date.now, sleep },
		known,
	);
	if (!result.ready) {
		const { status, power_status: power, server_status: server } = result.instance;
		throw new NodeOperationError(
			this.getNode(),
			`Instance ${id} was not ready after ${Math.round(plan.timeoutMs / 1000)} s`,
			{
				description: `Last seen: status ${status}, power ${power}, server ${server}. Raise the timeout or check the Vultr console.`,
			},
		);
	}
	return {
		...summarizeInstance(result.instance),
		ready: true,
		polls: result.polls,
		waitedSeconds: Math.round(result.waitedMs / 100) / 10,
	};
}
