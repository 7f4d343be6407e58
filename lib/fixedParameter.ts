import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from './validation';

/**
 * A node setting that widens what incoming data may do (allowed networks, loopback, adopting hosts).
 * It must be fixed in the node. n8n 2.x strips the `=` of an expression in a `noDataExpression`
 * parameter, leaving its `{{ … }}` text; older versions would evaluate it. Either form is refused here,
 * so the rule does not depend on the n8n version.
 */
export function fixedParameter<T>(
	this: IExecuteFunctions,
	name: string,
	label: string,
	fallback: T,
): T {
	const raw = this.getNode().parameters[name];
	if (typeof raw === 'string' && (raw.startsWith('=') || raw.includes('{{'))) {
		throw new InputError(
			label,
			'must be set in the node, not by an expression: it widens what incoming data may do',
		);
	}
	return this.getNodeParameter(name, 0, fallback) as T;
}
