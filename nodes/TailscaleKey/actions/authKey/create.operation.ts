import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { InputError } from '../../../../lib/validation';
import { parseAclTags, parseExpiry, parseKeyDescription } from '../../helpers/inputs';
import { createTailscaleAuthKey } from '../../../../lib/tailnet-api';
import { tailscaleSettings } from '../../transport';
import { expiryField, show, tagsField } from '../fields';

const where = show('tailscale', 'authKey', ['create']);
const MAX_EXPIRY_SECONDS = 90 * 86_400;

export const description: INodeProperties[] = [
	{
		displayName: 'Reusable',
		name: 'reusable',
		type: 'boolean',
		default: false,
		description: 'Whether more than one device may join with the key',
		displayOptions: where,
	},
	{
		displayName: 'Ephemeral',
		name: 'ephemeral',
		type: 'boolean',
		default: false,
		description: 'Whether devices that join are removed when they go offline',
		displayOptions: where,
	},
	{
		displayName: 'Preauthorized',
		name: 'preauthorized',
		type: 'boolean',
		default: true,
		description: 'Whether devices that join need no approval',
		displayOptions: where,
	},
	tagsField(
		'tailscale',
		'authKey',
		['create'],
		'ACL tags for devices that join. Required when the credential is an OAuth client.',
	),
	expiryField('tailscale', 'authKey'),
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		default: '',
		placeholder: 'ingress vps',
		displayOptions: where,
	},
];

/** Mints an auth key. The key value is output once (declared sensitive) and never logged. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { oauth } = await tailscaleSettings.call(this);
	return await mapItems.call(this, async (i) => {
		const tags = parseAclTags('Tags', this.getNodeParameter('tags', i, ''));
		if (oauth && !tags.length) {
			throw new InputError(
				'Tags',
				'keys created with an OAuth client must carry tags owned by that client (e.g. tag:server)',
			);
		}
		const expirySeconds = parseExpiry(
			'Expiry',
			this.getNodeParameter('expiry', i),
			MAX_EXPIRY_SECONDS,
		);
		const text = parseKeyDescription('Description', this.getNodeParameter('description', i, ''));
		const create = {
			reusable: this.getNodeParameter('reusable', i) as boolean,
			ephemeral: this.getNodeParameter('ephemeral', i) as boolean,
			preauthorized: this.getNodeParameter('preauthorized', i) as boolean,
			tags,
		};
		const key = await createTailscaleAuthKey.call(this, create, expirySeconds, text);
		return {
			id: key.id,
			key: key.key,
			created: key.created,
			expires: key.expires,
			description: key.description ?? '',
			...create,
		};
	});
}
