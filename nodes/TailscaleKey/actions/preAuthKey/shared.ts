import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { headscaleRequest } from '../../transport';

/** `legacy` = v0.26–v0.27 (keys addressed by user id + key value), `current` = v0.28+ (by key id). */
export type HeadscaleApiLevel = 'legacy' | 'current';

export const apiLevelField: INodeProperties = {
	displayName: 'Headscale Version',
	name: 'headscaleVersion',
	type: 'options',
	options: [
		{ name: 'Detect', value: 'auto', description: 'Asks /api/v1/health, which exists from v0.28' },
		{ name: 'v0.26 – V0.27', value: 'legacy' },
		{ name: 'v0.28 – V0.29', value: 'current' },
	],
	default: 'auto',
	displayOptions: { show: { backend: ['headscale'], resource: ['preAuthKey'] } },
};

export async function apiLevel(this: IExecuteFunctions): Promise<HeadscaleApiLevel> {
	const chosen = this.getNodeParameter('headscaleVersion', 0, 'auto') as string;
	if (chosen === 'legacy' || chosen === 'current') return chosen;
	try {
		await headscaleRequest.call(this, 'GET', '/api/v1/health');
		return 'current';
	} catch (error) {
		if ((error as { httpCode?: string }).httpCode === '404') return 'legacy';
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- already a NodeApiError from the transport
		throw error;
	}
}

export {
	headscaleUserId as userIdFor,
	parseHeadscaleUserName as parseUserName,
} from '../../../../lib/tailnet-api';

/** A key as the node outputs it; `key` (the secret) only where the caller asks for it. */
export function summarizePreAuthKey(key: IDataObject, withSecret: boolean): IDataObject {
	const user = key.user;
	return {
		id: key.id,
		...(withSecret ? { key: key.key } : {}),
		user: user && typeof user === 'object' ? (user as IDataObject).name : (user ?? null),
		reusable: key.reusable,
		ephemeral: key.ephemeral,
		used: key.used,
		expiration: key.expiration,
		aclTags: key.aclTags ?? [],
	};
}

export const userField = (operations: string[], description: string): INodeProperties => ({
	displayName: 'User',
	name: 'user',
	type: 'string',
	default: '',
	placeholder: 'alice',
	description,
	displayOptions: {
		show: { backend: ['headscale'], resource: ['preAuthKey'], operation: operations },
	},
});
