import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { failureItem, toNodeError } from '../../../lib/execute';

/**
 * Validates every input item first, then hands all valid ones to `store` at once (one transaction).
 * Without "Continue On Fail" the first invalid item fails the execution and nothing is stored; with
 * it, invalid items become `{ error }` items and the valid ones are stored. `store` returns one
 * result per value, in order; if it fails, every item it was given fails with it.
 */
export async function mapItemsInBatch<T>(
	context: IExecuteFunctions,
	parse: (itemIndex: number) => T,
	store: (values: T[]) => Promise<IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	const valid: Array<{ itemIndex: number; value: T }> = [];
	const items = context.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			valid.push({ itemIndex, value: parse(itemIndex) });
		} catch (error) {
			const nodeError = await toNodeError.call(context, error, itemIndex);
			if (!context.continueOnFail()) throw nodeError;
			output[itemIndex] = failureItem(error, nodeError, { item: itemIndex });
		}
	}
	if (valid.length) {
		try {
			const results = await store(valid.map(({ value }) => value));
			valid.forEach(
				({ itemIndex }, n) =>
					(output[itemIndex] = { json: results[n], pairedItem: { item: itemIndex } }),
			);
		} catch (error) {
			const nodeError = await toNodeError.call(context, error, valid[0].itemIndex);
			if (!context.continueOnFail()) throw nodeError;
			for (const { itemIndex } of valid) {
				output[itemIndex] = failureItem(error, nodeError, { item: itemIndex });
			}
		}
	}
	return output;
}
