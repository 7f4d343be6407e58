import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../lib/execute';
import { baselineCheck } from '../helpers/baseline';
import { withSession } from '../helpers/connection';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(
		this,
		async (i) =>
			await withSession(this, i, async (session) => {
				const controls = await baselineCheck(session);
				return {
					host: session.target.host,
					passed: controls.every((c) => c.pass),
					failed: controls.filter((c) => !c.pass).map((c) => c.id),
					controls: controls.map((c) => ({ ...c })),
				};
			}),
	);
}
