import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { quoted } from './errors';
import { failureItem, toNodeError } from './execute';

/** How the Operation selector shows an operation; its value is the operation's key. */
export type OperationOption = Omit<INodePropertyOptions, 'value'>;

/**
 * What an `*.operation.ts` module exports. `Args` is what the node's router hands every operation
 * besides `this` (Heartbeat: the open store).
 */
export interface OperationModule<Args extends unknown[] = []> {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, ...args: Args): Promise<INodeExecutionData[]>;
}

/** One operation: its module and its entry in the Operation selector. */
export interface Operation<Args extends unknown[] = []> extends OperationModule<Args> {
	option: OperationOption;
}

/**
 * The operations of a resource (or of a node without resources) by their value. A resource module
 * lists them once; the router and the Operation selector are both built from the list.
 */
export type Operations<Args extends unknown[] = []> = Record<string, Operation<Args>>;

export function operation<Args extends unknown[]>(
	module: OperationModule<Args>,
	option: OperationOption,
): Operation<Args> {
	return { option, description: module.description, execute: module.execute };
}

/** A module that exports `operations`, or (by a parameter's value) the next choice to make. */
export type Routes<Args extends unknown[] = []> =
	{ operations: Operations<Args> } | { [value: string]: Routes<Args> };

export type NodeRouter = (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

function unsupported(operation: string, values: string[]): string {
	const of = values.length ? ` of ${quoted(values[values.length - 1])}` : '';
	const on = values.length > 1 ? ` on ${values.slice(0, -1).join(' ')}` : '';
	return `The operation ${quoted(operation)}${of} is not supported${on}`;
}

/** The operation the node's parameters pick: those named in `by` (outermost first), then `operation`. */
function selectOperation<Args extends unknown[]>(
	context: IExecuteFunctions,
	by: string[],
	routes: Routes<Args>,
): Operation<Args> {
	const values = by.map((parameter) => context.getNodeParameter(parameter, 0) as string);
	const operation = context.getNodeParameter('operation', 0) as string;
	let branch: Routes<Args> | undefined = routes;
	for (const value of values) {
		const choices = branch as Record<string, Routes<Args>> | undefined;
		branch = choices && Object.hasOwn(choices, value) ? choices[value] : undefined;
	}
	const operations = (branch as { operations?: Operations<Args> } | undefined)?.operations;
	if (!operations || !Object.hasOwn(operations, operation))
		throw new NodeOperationError(context.getNode(), unsupported(operation, values));
	return operations[operation];
}

/**
 * The node's `execute`: picks the operation from `routes` by the parameters in `by` and `operation`
 * (a clear error when there is none), then runs it for all items. `prepare` makes what every
 * operation receives (e.g. the open store), only once the operation is known; when it fails, the
 * items fail as with any other error (see mapItems).
 */
export function createRouter(by: string[], routes: Routes): NodeRouter;
export function createRouter<Args extends unknown[]>(
	by: string[],
	routes: Routes<Args>,
	prepare: (this: IExecuteFunctions) => Promise<Args>,
): NodeRouter;
export function createRouter<Args extends unknown[]>(
	by: string[],
	routes: Routes<Args>,
	prepare?: (this: IExecuteFunctions) => Promise<Args>,
): NodeRouter {
	return async function router(this: IExecuteFunctions) {
		const chosen = selectOperation(this, by, routes);
		let args: Args;
		try {
			// Without `prepare` Args is [] (the first overload).
			args = prepare ? await prepare.call(this) : ([] as unknown[] as Args);
		} catch (error) {
			// What every item needs could not be made (Heartbeat: its store). With "Continue On Fail" each
			// item fails with the error's kind, as it would had the operation itself failed.
			const nodeError = await toNodeError.call(this, error);
			if (!this.continueOnFail()) throw nodeError;
			return [this.getInputData().map((_, i) => failureItem(error, nodeError, { item: i }))];
		}
		return [await chosen.execute.call(this, ...args)];
	};
}
