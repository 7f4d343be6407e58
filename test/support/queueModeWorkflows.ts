/**
 * The shipped workflows as queue mode needs them (docs/heartbeat.md): every Heartbeat node on one
 * PostgreSQL credential instead of the embedded store. Used by test/e2e/queueMode.test.ts and
 * bench/queue-mode.bench.ts.
 */
import {
	shippedWorkflows,
	type CredentialSeed,
	type WorkflowJson,
} from '../../scripts/n8n-instance';
import type { PostgresServer } from './postgres';

export const HEARTBEAT_TYPE = 'n8n-nodes-homelab-ingress.heartbeat';
export const STORE_CREDENTIAL = {
	id: 'hliHeartbeatPg001',
	name: 'Heartbeat store',
	type: 'homelabPostgresApi',
};

/** A copy of the shipped workflow with this id. */
export function shipped(id: string): WorkflowJson {
	const workflow = shippedWorkflows().find((candidate) => candidate.id === id);
	if (!workflow) throw new Error(`workflows/ has no workflow with id ${id}`);
	return structuredClone(workflow);
}

export function nodesOfType(workflow: WorkflowJson, type: string): WorkflowJson['nodes'] {
	const nodes = workflow.nodes.filter((node) => node.type === type);
	if (nodes.length === 0) throw new Error(`${workflow.name} has no ${type} node`);
	return nodes;
}

/** Every Heartbeat node of the workflow switched from the embedded store to STORE_CREDENTIAL. */
export function onPostgres(workflow: WorkflowJson): WorkflowJson {
	for (const node of nodesOfType(workflow, HEARTBEAT_TYPE)) {
		if (node.parameters.storage !== 'embedded')
			throw new Error(`${workflow.name}: ${node.name} no longer ships with the embedded store`);
		node.parameters.storage = 'postgres';
		delete node.parameters.databaseFile;
		node.credentials = {
			homelabPostgresApi: { id: STORE_CREDENTIAL.id, name: STORE_CREDENTIAL.name },
		};
	}
	return workflow;
}

/** STORE_CREDENTIAL pointing at a schema of this PostgreSQL. */
export function storeCredential(postgres: PostgresServer, schema: string): CredentialSeed {
	const store = postgres.credentials(schema);
	return { ...STORE_CREDENTIAL, data: { ...store, port: String(store.port), ssl: 'disable' } };
}
