/**
 * A test-only workflow that calls shipped workflows the way another workflow would (their "When Called"
 * trigger): per target, a webhook `POST /webhook/test/<path>` (Header Auth) → its body as the item →
 * Execute Workflow (waiting for it) → the answer as JSON. n8n runs a sub-workflow only when it is published.
 */
import { randomUUID } from 'node:crypto';

import type { WorkflowJson } from '../../scripts/n8n-instance';

type Node = WorkflowJson['nodes'][number];

export function callerWorkflow(
	id: string,
	targets: Record<string, string>,
	headerAuth: { id: string; name: string },
): WorkflowJson {
	const nodes: Node[] = [];
	const connections: Record<string, unknown> = {};
	Object.entries(targets).forEach(([path, workflowId], index) => {
		const y = index * 200;
		const names = [`Call ${path}`, `Body ${path}`, `Run ${path}`, `Answer ${path}`];
		const node = (at: number, type: string, typeVersion: number, parameters: object) =>
			({
				id: randomUUID(),
				name: names[at],
				type,
				typeVersion,
				position: [at * 220, y],
				parameters,
			}) as Node;
		nodes.push(
			Object.assign(
				node(0, 'n8n-nodes-base.webhook', 2.1, {
					httpMethod: 'POST',
					path: `test/${path}`,
					authentication: 'headerAuth',
					responseMode: 'responseNode',
					options: {},
				}),
				{ webhookId: randomUUID(), credentials: { httpHeaderAuth: headerAuth } },
			),
			node(1, 'n8n-nodes-base.set', 3.4, {
				mode: 'raw',
				jsonOutput: '={{ JSON.stringify($json.body) }}',
				options: {},
			}),
			node(2, 'n8n-nodes-base.executeWorkflow', 1.1, {
				source: 'database',
				workflowId: { __rl: true, mode: 'id', value: workflowId },
				mode: 'once',
				options: { waitForSubWorkflow: true },
			}),
			node(3, 'n8n-nodes-base.respondToWebhook', 1.5, {
				respondWith: 'json',
				responseBody: '={{ JSON.stringify($json) }}',
				options: {},
			}),
		);
		names.slice(0, -1).forEach((name, at) => {
			connections[name] = { main: [[{ node: names[at + 1], type: 'main', index: 0 }]] };
		});
	});
	return {
		id,
		name: `Test caller (${Object.keys(targets).join(', ')})`,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		active: false,
	};
}
