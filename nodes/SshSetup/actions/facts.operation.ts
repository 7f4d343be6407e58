import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../lib/execute';
import { withSession } from '../helpers/connection';
import { gatherFacts } from '../helpers/facts';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(
		this,
		async (i) =>
			await withSession(this, i, async (session) => ({
				host: session.target.host,
				hostKeyFingerprint: session.seenFingerprint,
				...(await gatherFacts(session)),
			})),
	);
}
