/**
 * Runs workflows made of this package's nodes inside n8n's real execution engine (n8n-core's
 * WorkflowExecute): real parameter and expression resolution, real helpers (HTTP, binary data), and
 * credentials injected through each credential type's own `authenticate` definition.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	const userFolder = mkdtempSync(join(tmpdir(), 'hli-engine-'));
	process.env.N8N_USER_FOLDER = userFolder;
	process.on('exit', () => rmSync(userFolder, { recursive: true, force: true }));
}

import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeListSearchResult,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRun,
	IWorkflowExecuteAdditionalData,
	IConnections,
	IRequestOptionsSimplified,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	ICredentialsHelper,
	isExpression,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';

import packageJson from '../../package.json';

export const PACKAGE = packageJson.name;

/**
 * Loads the classes that package.json's n8n block registers, from their TypeScript sources
 * (dist/nodes/X/X.node.js → nodes/X/X.node.ts), so every registered node and credential is testable.
 */
function loadRegistered<T>(distPaths: string[]): T[] {
	return distPaths.map((distPath) => {
		const source = join(
			__dirname,
			'..',
			'..',
			distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'),
		);
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- the class list comes from package.json at run time
		const exported = require(source) as Record<string, new () => T>;
		const Class = Object.values(exported).find((value) => typeof value === 'function');
		if (!Class) throw new Error(`${source} exports no class`);
		return new Class();
	});
}

const registeredNodes = new Map(
	loadRegistered<INodeType>(packageJson.n8n.nodes).map((node) => [node.description.name, node]),
);

const nodeTypes: INodeTypes = {
	getByName: (type) => nodeTypeFor(type),
	getByNameAndVersion: (type, version) =>
		NodeHelpers.getVersionedNodeType(nodeTypeFor(type), version),
	getKnownTypes: () => ({}),
};

function nodeTypeFor(type: string): INodeType {
	const short = type.startsWith(`${PACKAGE}.`) ? type.slice(PACKAGE.length + 1) : type;
	const node = registeredNodes.get(short);
	if (!node) throw new Error(`Unknown node type ${type}`);
	return node;
}

export const credentialTypes = new Map(
	loadRegistered<ICredentialType>(packageJson.n8n.credentials).map((credential) => [
		credential.name,
		credential,
	]),
);

function withDefaults(
	properties: INodeProperties[],
	data: IDataObject,
): ICredentialDataDecryptedObject {
	const result: IDataObject = {};
	for (const property of properties)
		result[property.name] = property.default as IDataObject[string];
	return { ...result, ...data } as ICredentialDataDecryptedObject;
}

/** Credentials held in memory by type; authentication follows the credential type's own definition. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly store: Record<string, IDataObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const type = credentialTypes.get(typeName);
		const options = requestOptions as IHttpRequestOptions;
		if (!type?.authenticate) return options;
		if (typeof type.authenticate === 'function')
			return await type.authenticate(credentials, options);
		if (!workflow || !node) throw new Error('generic authentication needs the workflow and node');
		// The same resolution n8n's own CredentialsHelper applies to generic (declarative) definitions.
		const resolve = (value: string) =>
			isExpression(value)
				? String(
						workflow.expression.getSimpleParameterValue(
							node,
							value,
							'internal',
							{ $credentials: credentials },
							undefined,
							'',
						) ?? '',
					)
				: value;
		const target = options as unknown as Record<string, IDataObject>;
		for (const [outerKey, outerValue] of Object.entries(type.authenticate.properties)) {
			target[outerKey] ??= {};
			for (const [key, value] of Object.entries(outerValue as IDataObject)) {
				target[outerKey][resolve(key)] = resolve(String(value));
			}
		}
		return options;
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(_details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		throw new Error(`getCredentials(${type}) is not used by the harness`);
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_details: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.store[type];
		if (!data) throw new Error(`No test credentials of type ${type}`);
		return withDefaults(credentialTypes.get(type)?.properties ?? [], data);
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialTypes.get(type)?.properties ?? [];
	}
}

export interface WorkflowNode {
	name: string;
	/** Short type (`caddyRoute`) or full type (`n8n-nodes-homelab-ingress.caddyRoute`). */
	type: string;
	parameters: IDataObject;
	onError?: INode['onError'];
}

export interface RunOptions {
	nodes: WorkflowNode[];
	connections?: IConnections;
	/** Items fed to the first node. */
	input?: IDataObject[];
	credentials?: Record<string, IDataObject>;
}

export interface RunResult {
	run: IRun;
	/** Output items (json) of a node's first output, from its last run. */
	output(nodeName: string): IDataObject[];
	items(nodeName: string): INodeExecutionData[];
	/** The execution error, if the workflow failed. */
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
}

let executionCounter = 0;

/** The workflow, its nodes and the additional data n8n's engine hands to node contexts. */
function engineSetup(options: RunOptions) {
	const credentials = options.credentials ?? {};
	const nodes: INode[] = options.nodes.map((node, index) => {
		const type = node.type.includes('.') ? node.type : `${PACKAGE}.${node.type}`;
		const nodeType = nodeTypeFor(type);
		const declared = nodeType.description.credentials ?? [];
		return {
			id: `node-${index}`,
			name: node.name,
			type,
			typeVersion: 1,
			position: [index * 200, 0],
			parameters: node.parameters,
			onError: node.onError,
			credentials: Object.fromEntries(
				declared
					.filter((c) => credentials[c.name])
					.map((c) => [c.name, { id: `cred-${c.name}`, name: `${c.name} (test)` }]),
			),
		} as INode;
	});
	const workflowData = {
		id: 'engineTest',
		name: 'engine test',
		active: false,
		nodes,
		connections: options.connections ?? {},
		settings: { executionOrder: 'v1' as const },
		createdAt: new Date(),
		updatedAt: new Date(),
		isArchived: false,
		activeVersionId: null,
	};
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes,
		connections: workflowData.connections,
		active: false,
		nodeTypes,
		staticData: {},
		settings: workflowData.settings,
	});

	const executionId = String(++executionCounter);
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const additionalData = {
		executionId,
		hooks,
		credentialsHelper: new TestCredentialsHelper(credentials),
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		variables: {},
		currentNodeExecutionIndex: 0,
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not supported by the harness');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('task runners are not available in the harness');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	return { nodes, workflow, additionalData };
}

export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	const { nodes, workflow, additionalData } = engineSetup(options);
	const startNode = nodes[0];
	const nodeExecutionStack: IExecuteData[] = [
		{
			node: startNode,
			data: { main: [(options.input ?? [{}]).map((json) => ({ json }))] },
			source: null,
		},
	];
	const runExecutionData = createRunExecutionData({ executionData: { nodeExecutionStack } });
	const run = await new WorkflowExecute(
		additionalData,
		'manual',
		runExecutionData,
	).processRunExecutionData(workflow);

	const items = (nodeName: string): INodeExecutionData[] => {
		const runs = run.data.resultData.runData[nodeName];
		return runs?.[runs.length - 1]?.data?.main?.[0] ?? [];
	};
	return {
		run,
		items,
		output: (nodeName) => items(nodeName).map((item) => item.json),
		error: run.data.resultData.error as RunResult['error'],
	};
}

/** Runs a single node with the given parameters and input items. */
export async function runNode(
	type: string,
	parameters: IDataObject,
	options: Omit<RunOptions, 'nodes'> & { onError?: INode['onError'] } = {},
): Promise<RunResult & { json: IDataObject[] }> {
	const result = await runWorkflow({
		...options,
		nodes: [{ name: 'Node', type, parameters, onError: options.onError }],
	});
	return { ...result, json: result.output('Node') };
}

/** Calls a node's listSearch method as the editor does (n8n-core's LoadOptionsContext), for a list. */
export async function listSearch(
	type: string,
	method: string,
	parameters: IDataObject,
	options: Pick<RunOptions, 'credentials'> & { filter?: string } = {},
): Promise<INodeListSearchResult> {
	const { nodes, workflow, additionalData } = engineSetup({
		nodes: [{ name: 'Node', type, parameters }],
		credentials: options.credentials,
	});
	const search = nodeTypeFor(nodes[0].type).methods?.listSearch?.[method];
	if (!search) throw new Error(`${type} has no listSearch method ${method}`);
	const context = new LoadOptionsContext(workflow, nodes[0], additionalData, 'parameters');
	return await search.call(context, options.filter);
}
