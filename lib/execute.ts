import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorKindOf, HTTP_STATUS_OF_KIND, KindedError } from './errors';
import { credentialSecretsOf, redactError, secretParameterValues } from './redact';

/**
 * Kinded errors become NodeOperationError with their message; n8n errors pass through with their item
 * index; library errors become a NodeOperationError built from their message, never carrying the
 * original (whose fields may hold a request's headers). Whatever leaves holds no secret of the node's
 * credentials, no URL userinfo or query value and no Authorization token.
 */
export async function toNodeError(
	this: IExecuteFunctions,
	error: unknown,
	itemIndex?: number,
): Promise<Error> {
	const secrets = [
		...(await credentialSecretsOf(this, undefined, itemIndex)),
		...secretParameterValues(this.getNode().parameters),
	];
	if (error instanceof KindedError) {
		const nodeError = new NodeOperationError(this.getNode(), error.message, { itemIndex });
		return redactError(nodeError, secrets);
	}
	if (error && typeof error === 'object' && 'node' in error) {
		if (itemIndex !== undefined) (error as { context?: IDataObject }).context = { itemIndex };
		return redactError(error as unknown as Error, secrets);
	}
	const { message, description } = (error ?? {}) as { message?: unknown; description?: unknown };
	const nodeError = new NodeOperationError(this.getNode(), String(message ?? error), {
		itemIndex,
		description: typeof description === 'string' ? description : undefined,
	});
	return redactError(nodeError, secrets);
}

/**
 * A failed item under "Continue On Fail": the message, and in `details` its stable kind and the HTTP
 * status a webhook should answer with, so workflows branch on `details.errorKind` rather than on the
 * wording. Only `error`, `message` and `details` may be keys of the JSON: n8n sends an item to a node's
 * error output ("Continue (using error output)") by that shape.
 */
export function failureItem(
	error: unknown,
	nodeError: Error,
	pairedItem: INodeExecutionData['pairedItem'],
): INodeExecutionData {
	const errorKind = errorKindOf(error);
	return {
		json: {
			error: nodeError.message,
			details: { errorKind, httpStatus: HTTP_STATUS_OF_KIND[errorKind] },
		},
		pairedItem,
	};
}

/**
 * Runs `handler` once per input item with the usual n8n contract: pairedItem on every output item,
 * and with "Continue On Fail" an `{ error }` item instead of a failed execution.
 */
export async function mapItems(
	this: IExecuteFunctions,
	handler: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let i = 0; i < items.length; i++) {
		try {
			const result = await handler(i);
			for (const json of Array.isArray(result) ? result : [result]) {
				output.push({ json, pairedItem: { item: i } });
			}
		} catch (error) {
			const nodeError = await toNodeError.call(this, error, i);
			if (this.continueOnFail()) {
				output.push(failureItem(error, nodeError, { item: i }));
				continue;
			}
			throw nodeError;
		}
	}
	return output;
}
