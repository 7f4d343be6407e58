import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { parseId } from '../../helpers/inputs';
import { headscaleRequest } from '../../transport';
import { idField } from '../fields';
import { listKeys } from './list.operation';
import { apiLevel, userIdFor, parseUserName } from './shared';

export const description: INodeProperties[] = [
	idField('headscale', 'preAuthKey', ['expire'], 'Key ID'),
];

/** v0.28+ expires by key id; v0.26–v0.27 want the user id and the key value, looked up here. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const level = await apiLevel.call(this);
	return await mapItems.call(this, async (i) => {
		const id = parseId('Key ID', this.getNodeParameter('id', i), /^\d{1,19}$/);
		if (level === 'current') {
			await headscaleRequest.call(this, 'POST', '/api/v1/preauthkey/expire', {
				body: { id },
				safe: true,
			});
			return { id, expired: true };
		}
		const key = (await listKeys.call(this, i)).find((k) => String(k.id) === id);
		if (!key)
			throw new NodeOperationError(this.getNode(), `The user has no pre-auth key ${id}`, {
				itemIndex: i,
			});
		const user = await userIdFor.call(
			this,
			parseUserName('User', this.getNodeParameter('user', i)),
		);
		await headscaleRequest.call(this, 'POST', '/api/v1/preauthkey/expire', {
			body: { user, key: key.key as string },
			safe: true,
		});
		return { id, expired: true };
	});
}
