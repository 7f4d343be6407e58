import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * The handler that the node's `resource` and `operation` parameters pick from `table`, or a clear error
 * naming what was asked for. `scope` names a further choice already made (e.g. the backend).
 */
export function selectOperation<Handler>(
	context: IExecuteFunctions,
	table: Record<string, Record<string, Handler>>,
	scope?: string,
): Handler {
	const resource = context.getNodeParameter('resource', 0) as string;
	const operation = context.getNodeParameter('operation', 0) as string;
	const handler = table[resource]?.[operation];
	if (!handler) {
		const where = scope ? ` on ${scope}` : '';
		throw new NodeOperationError(
			context.getNode(),
			`The operation "${operation}" of "${resource}" is not supported${where}`,
		);
	}
	return handler;
}
