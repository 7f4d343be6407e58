import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { InputError } from '../../../../lib/validation';
import { parseAclTags, parseExpiry } from '../../helpers/inputs';
import { createHeadscalePreAuthKey } from '../../../../lib/tailnet-api';
import { expiryField, show, tagsField } from '../fields';
import { apiLevel, parseUserName, summarizePreAuthKey, userField } from './shared';

const where = show('headscale', 'preAuthKey', ['create']);
const MAX_EXPIRY_SECONDS = 365 * 86_400;

export const description: INodeProperties[] = [
	userField(
		['create'],
		'Owner of the devices that join. Required before v0.28; from v0.28 a tagged key needs none.',
	),
	{
		displayName: 'Reusable',
		name: 'reusable',
		type: 'boolean',
		default: false,
		displayOptions: where,
		description: 'Whether more than one device may join with the key',
	},
	{
		displayName: 'Ephemeral',
		name: 'ephemeral',
		type: 'boolean',
		default: false,
		displayOptions: where,
		description: 'Whether devices that join are removed when they go offline',
	},
	tagsField('headscale', 'preAuthKey', ['create'], 'ACL tags for devices that join'),
	expiryField('headscale', 'preAuthKey'),
];

/** Creates a pre-auth key (see createHeadscalePreAuthKey for why the expiration is always sent). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const level = await apiLevel.call(this);
	return await mapItems.call(this, async (i) => {
		const rawUser = String(this.getNodeParameter('user', i, '')).trim();
		const userName = rawUser ? parseUserName('User', rawUser) : undefined;
		const aclTags = parseAclTags('Tags', this.getNodeParameter('tags', i, ''));
		const seconds = parseExpiry('Expiry', this.getNodeParameter('expiry', i), MAX_EXPIRY_SECONDS);
		if (!userName && (level === 'legacy' || !aclTags.length)) {
			throw new InputError(
				'User',
				level === 'legacy'
					? 'is required before Headscale v0.28'
					: 'give a user, or ACL tags for a tagged key',
			);
		}
		const preAuthKey = await createHeadscalePreAuthKey.call(this, {
			userName,
			aclTags,
			reusable: this.getNodeParameter('reusable', i) as boolean,
			ephemeral: this.getNodeParameter('ephemeral', i) as boolean,
			expirySeconds: seconds,
		});
		return summarizePreAuthKey(preAuthKey, true);
	});
}
