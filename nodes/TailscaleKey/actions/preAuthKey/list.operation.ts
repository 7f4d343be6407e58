import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { InputError } from '../../../../lib/validation';
import { headscaleList } from '../../transport';
import { apiLevel, parseUserName, summarizePreAuthKey, userField, userIdFor } from './shared';

export const description: INodeProperties[] = [
	userField(
		['list', 'expire'],
		'Whose keys. Required before v0.28, which could only list per user.',
	),
];

/** The keys of a user (all keys from v0.28). Key values are never output here. */
export async function listKeys(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const level = await apiLevel.call(this);
	const rawUser = String(this.getNodeParameter('user', i, '')).trim();
	if (!rawUser && level === 'legacy')
		throw new InputError('User', 'is required before Headscale v0.28');
	const userName = rawUser ? parseUserName('User', rawUser) : undefined;
	const qs =
		userName && level === 'legacy' ? { user: await userIdFor.call(this, userName) } : undefined;
	const preAuthKeys = await headscaleList.call(this, '/api/v1/preauthkey', 'preAuthKeys', qs);
	const owner = (key: IDataObject) =>
		typeof key.user === 'object' ? (key.user as IDataObject)?.name : key.user;
	return preAuthKeys.filter((key) => !userName || owner(key) === userName);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) =>
		(await listKeys.call(this, i)).map((key) => summarizePreAuthKey(key, false)),
	);
}
