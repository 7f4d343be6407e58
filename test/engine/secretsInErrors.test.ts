/**
 * Issue 16, item 4: no credential field, URL userinfo, token or query secret appears in any node
 * error, output or log. Every node runs in n8n's real engine with credentials whose base URLs carry
 * userinfo and a query token and whose secret fields hold distinctive values, against a closed port,
 * a server that fails and echoes the whole request, and (Caddy) a stopped Caddy; then everything n8n
 * keeps of the run is searched for the secrets.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';
import { utils as sshUtils } from 'ssh2';

import { TailscaleApi } from '../../credentials/TailscaleApi.credentials';
import { homelabPostgresConnectionTest } from '../../nodes/Heartbeat/methods/credentialTest';
import { sshSetupConnectionTest } from '../../lib/ssh-credential-test';
import { startCaddy } from '../support/caddy';
import {
	startHttpEcho,
	startPostgresEcho,
	startSshEcho,
	type EchoServer,
} from '../support/echoServers';
import { runNode, type RunResult } from '../support/engine';
import { freePort } from '../support/process';
import { describeWithServer } from '../support/servers';

const USERINFO_PASSWORD = 'S3cretUserinfo';
const QUERY_TOKEN = 'S3cretQuery';
const SSH_PASSPHRASE = 'S3cret-ssh-passphrase';
/** An encrypted key ssh2 can read back (about 1 in 200 that ssh2 writes it cannot; see generateHostKey). */
function readableEncryptedKey() {
	for (;;) {
		const key = sshUtils.generateKeyPairSync('ed25519', {
			passphrase: SSH_PASSPHRASE,
			cipher: 'aes256-ctr',
			rounds: 4,
		});
		if (!(sshUtils.parseKey(key.private, SSH_PASSPHRASE) instanceof Error)) return key;
	}
}
const sshKey = readableEncryptedKey();

const FIELD_SECRETS = {
	caddyHeader: 'S3cret-caddy-header',
	vultrKey: 'S3cret-vultr-key',
	cloudflareToken: 'S3cret-cloudflare-token',
	powerDnsKey: 'S3cret-powerdns-key',
	tailscaleToken: 'S3cret-tailscale-token',
	tailscaleClientSecret: 'S3cret-tailscale-client-secret',
	headscaleKey: 'S3cret-headscale-key',
	postgresPassword: 'S3cret-postgres-password',
	sudoPassword: 'S3cret-sudo-password',
};
/** A route's basic-auth password: a node parameter, not a credential, and as secret. */
const BASIC_AUTH_PASSWORD = 'S3cret-basic-auth';

const SECRETS = [
	USERINFO_PASSWORD,
	QUERY_TOKEN,
	SSH_PASSPHRASE,
	...Object.values(FIELD_SECRETS),
	BASIC_AUTH_PASSWORD,
	// The private key's body, line by line (the PEM markers are no secret).
	...sshKey.private.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----')),
];

/** A base URL at `port` that carries a query token. */
const queryUrl = (port: number) => `http://127.0.0.1:${port}?token=${QUERY_TOKEN}`;
/** A base URL at `port` that carries userinfo and a query token. */
const secretUrl = (port: number) => queryUrl(port).replace('//', `//user:${USERINFO_PASSWORD}@`);

/** Every string reachable from `value`: own properties, enumerable or not (message, stack, cause …). */
function textsOf(value: unknown, seen = new Set<object>(), texts: string[] = []): string[] {
	if (typeof value === 'string') texts.push(value);
	if (!value || typeof value !== 'object' || seen.has(value) || ArrayBuffer.isView(value))
		return texts;
	seen.add(value);
	for (const key of Reflect.ownKeys(value)) {
		if (typeof key === 'string') texts.push(key);
		textsOf((value as Record<string | symbol, unknown>)[key], seen, texts);
	}
	return texts;
}

/** The one assertion: none of the secrets in any text reachable from `value`. */
function expectNoSecrets(where: string, value: unknown): void {
	const texts = textsOf(value);
	if (typeof value === 'object' && value !== null) texts.push(JSON.stringify(value) ?? '');
	const leaks = texts.flatMap((text) =>
		SECRETS.filter((secret) => text.includes(secret)).map((secret) => {
			const at = text.indexOf(secret);
			return `${secret} in …${text.slice(Math.max(0, at - 60), at + secret.length + 20)}…`;
		}),
	);
	expect({ where, leaks }).toEqual({ where, leaks: [] });
}

const logged: unknown[] = [];
const capture = (...args: unknown[]) => void logged.push(args);

const captureLogger = { error: capture, warn: capture, info: capture, debug: capture };

beforeAll(() => {
	// n8n's engine logs through LoggerProxy, node contexts through the DI Logger: both are captured.
	LoggerProxy.init(captureLogger);
	Container.set(Logger, { ...captureLogger, scoped: () => captureLogger } as unknown as Logger);
	for (const level of ['log', 'error', 'warn', 'info'] as const)
		jest.spyOn(console, level).mockImplementation(capture);
});

afterAll(() => jest.restoreAllMocks());

beforeEach(() => {
	logged.length = 0;
});

interface NodeCase {
	name: string;
	type: string;
	parameters: IDataObject;
	credentials: (port: number) => Record<string, IDataObject>;
	/** A secret typed into the node: n8n keeps the node's parameters (the workflow) with the run. */
	secretInParameters?: boolean;
}

/**
 * The run without n8n's copy of the workflow's nodes (the nodes waiting in its execution stack carry
 * their parameters as the user wrote them; that is the workflow itself, not something a node wrote).
 */
function withoutWorkflowNodes(run: RunResult['run']): unknown {
	const copy = JSON.parse(JSON.stringify(run)) as {
		data?: { executionData?: { nodeExecutionStack?: Array<{ node?: unknown }> } };
	};
	for (const entry of copy.data?.executionData?.nodeExecutionStack ?? []) delete entry.node;
	return copy;
}

/**
 * Runs the case twice at once, failing the execution and with Continue On Fail, and searches the thrown
 * error (message, description, its JSON, every field), the failed item, the whole run n8n keeps and
 * every log line.
 */
async function expectCleanFailure(node: NodeCase, port: number): Promise<RunResult[]> {
	const credentials = node.credentials(port);
	const [failed, continued] = await Promise.all([
		runNode(node.type, node.parameters, { credentials }),
		runNode(node.type, node.parameters, { credentials, onError: 'continueRegularOutput' }),
	]);
	const error = failed.error;
	expect(error).toBeDefined();
	expectNoSecrets('error message', error?.message);
	expectNoSecrets('error description', error?.description);
	expectNoSecrets('error as JSON', JSON.parse(JSON.stringify(error)));
	expectNoSecrets('error fields (cause, context, errorResponse, messages)', error);
	expectNoSecrets(
		'failed run',
		node.secretInParameters ? withoutWorkflowNodes(failed.run) : failed.run,
	);

	// A failed item, or (a store that cannot be opened fails the whole node) the node's task error.
	const [item] = continued.json;
	const taskError = continued.run.data.resultData.runData.Node?.[0]?.error;
	expect(item?.error ?? taskError).toBeDefined();
	expectNoSecrets('Continue On Fail item', item);
	expectNoSecrets(
		'continued run',
		node.secretInParameters ? withoutWorkflowNodes(continued.run) : continued.run,
	);

	expect(logged.length).toBeGreaterThan(0);
	expectNoSecrets('logs', logged);
	return [failed, continued];
}

const HTTP_CASES: NodeCase[] = [
	{
		name: 'Caddy Route (caddyAdminApi, auth header)',
		type: 'caddyRoute',
		parameters: {
			resource: 'route',
			operation: 'list',
			server: { __rl: true, mode: 'name', value: 'ingress' },
		},
		credentials: (port) => ({
			caddyAdminApi: {
				baseUrl: secretUrl(port),
				headerName: 'X-Admin-Token',
				headerSecret: FIELD_SECRETS.caddyHeader,
			},
		}),
	},
	{
		name: 'Caddy Route Create or Update with a basic-auth password',
		type: 'caddyRoute',
		parameters: {
			resource: 'route',
			operation: 'upsert',
			server: { __rl: true, mode: 'name', value: 'ingress' },
			hosts: 'app.example.com',
			upstreams: '100.64.0.5:8080',
			routeOptions: { basicAuthUser: 'family', basicAuthPassword: BASIC_AUTH_PASSWORD },
		},
		credentials: (port) => ({ caddyAdminApi: { baseUrl: secretUrl(port) } }),
		secretInParameters: true,
	},
	{
		name: 'Vultr Instance (vultrApi)',
		type: 'vultrInstance',
		parameters: { resource: 'instance', operation: 'list' },
		credentials: (port) => ({
			vultrApi: { apiKey: FIELD_SECRETS.vultrKey, baseUrl: secretUrl(port) },
		}),
	},
	...(['cloudflare', 'vultr', 'powerdns'] as const).map((provider): NodeCase => ({
		name: `DNS Record on ${provider}`,
		type: 'dnsRecord',
		parameters: {
			provider,
			resource: 'record',
			operation: 'list',
			zone: { __rl: true, mode: 'name', value: 'example.com' },
		},
		credentials: (port) => ({
			cloudflareDnsApi: { apiToken: FIELD_SECRETS.cloudflareToken, baseUrl: secretUrl(port) },
			vultrApi: { apiKey: FIELD_SECRETS.vultrKey, baseUrl: secretUrl(port) },
			powerDnsApi: { apiKey: FIELD_SECRETS.powerDnsKey, baseUrl: secretUrl(port) },
		}),
	})),
	{
		name: 'Tailscale Key (tailscaleApi, API token)',
		type: 'tailscaleKey',
		parameters: { backend: 'tailscale', resource: 'authKey', operation: 'list' },
		credentials: (port) => ({
			tailscaleApi: {
				authType: 'apiToken',
				apiToken: FIELD_SECRETS.tailscaleToken,
				baseUrl: secretUrl(port),
			},
		}),
	},
	{
		// fetch refuses a URL with userinfo, so only a query token: the token request then reaches the server.
		name: 'Tailscale Key (tailscaleApi, OAuth client)',
		type: 'tailscaleKey',
		parameters: { backend: 'tailscale', resource: 'device', operation: 'list' },
		credentials: (port) => ({
			tailscaleApi: {
				authType: 'oauth',
				clientId: 'client-id',
				clientSecret: FIELD_SECRETS.tailscaleClientSecret,
				baseUrl: queryUrl(port),
			},
		}),
	},
	{
		name: 'Tailscale Key (headscaleApi)',
		type: 'tailscaleKey',
		parameters: { backend: 'headscale', resource: 'node', operation: 'list' },
		credentials: (port) => ({
			headscaleApi: { apiKey: FIELD_SECRETS.headscaleKey, serverUrl: secretUrl(port) },
		}),
	},
];

describe('no secret in errors, outputs or logs of any node', () => {
	describe.each(HTTP_CASES)('$name', (node) => {
		it('with nothing listening', async () => {
			await expectCleanFailure(node, await freePort());
		});

		it.each([500, 401])(
			'against a server that answers %i and echoes the request',
			async (status) => {
				const echo = await startHttpEcho(status);
				try {
					await expectCleanFailure(node, echo.port);
				} finally {
					await echo.close();
				}
			},
		);
	});

	describeWithServer('caddy', 'Caddy Route with Caddy stopped', () => {
		it('names the admin URL without its userinfo or query', async () => {
			const caddy = await startCaddy();
			await caddy.stop();
			const [failed] = await expectCleanFailure(HTTP_CASES[0], caddy.adminPort);
			expect(failed.error?.message).toBe(
				`Caddy admin API unreachable at http://127.0.0.1:${caddy.adminPort}?token=***`,
			);
		});
	});

	describe('Heartbeat (homelabPostgresApi)', () => {
		const heartbeat: NodeCase = {
			name: 'Heartbeat on PostgreSQL',
			type: 'heartbeat',
			parameters: { storage: 'postgres', resource: 'source', operation: 'status' },
			credentials: (port) => ({
				homelabPostgresApi: {
					host: '127.0.0.1',
					port,
					database: 'n8n',
					user: 'n8n',
					password: FIELD_SECRETS.postgresPassword,
				},
			}),
		};

		it('with nothing listening', async () => {
			await expectCleanFailure(heartbeat, await freePort());
		}, 90_000);

		it('against a server that echoes the password it was sent', async () => {
			const echo: EchoServer = await startPostgresEcho();
			try {
				const [failed] = await expectCleanFailure(heartbeat, echo.port);
				expect(failed.error?.message).toContain('password authentication failed: got "***"');
			} finally {
				await echo.close();
			}
		});
	});

	describe('SSH Setup (homelabSshApi: private key, passphrase, sudo password)', () => {
		const sshCredentials = (port: number, fingerprint = '') => ({
			homelabSshApi: {
				host: '127.0.0.1',
				port,
				username: 'deploy',
				privateKey: sshKey.private,
				passphrase: SSH_PASSPHRASE,
				hostKeyFingerprint: fingerprint,
				sudoPassword: FIELD_SECRETS.sudoPassword,
			},
		});
		const runCommands = (fingerprint: string, allowFailure = false): NodeCase => ({
			name: 'SSH Setup',
			type: 'sshSetup',
			parameters: { operation: 'runCommands', commands: 'id', commandOptions: { allowFailure } },
			credentials: (port) => sshCredentials(port, fingerprint),
		});

		it('with nothing listening', async () => {
			await expectCleanFailure(runCommands('SHA256:' + 'A'.repeat(43)), await freePort());
		});

		it('against a server that echoes the command and its stdin', async () => {
			const echo = await startSshEcho(1);
			try {
				const [failed] = await expectCleanFailure(runCommands(echo.fingerprint), echo.port);
				expect(failed.error?.message).toContain('failed with exit code 1');
			} finally {
				await echo.close();
			}
		});

		it('keeps the sudo password out of the output of a command that echoes its stdin', async () => {
			const echo = await startSshEcho(0);
			try {
				const node = runCommands(echo.fingerprint, true);
				const result = await runNode(node.type, node.parameters, {
					credentials: node.credentials(echo.port),
				});
				expect(result.error).toBeUndefined();
				const [output] = result.json as Array<{ results: IDataObject[] }>;
				expect(output.results[0].stdout).toContain('with stdin ***');
				expectNoSecrets('output', result.json);
				expectNoSecrets('run', result.run);
				expectNoSecrets('logs', logged);
			} finally {
				await echo.close();
			}
		});
	});

	describe('credential tests', () => {
		// n8n's request-based credential test shows the message of an error thrown by `authenticate`.
		const tailscaleOAuth = new TailscaleApi().authenticate as (
			credentials: ICredentialDataDecryptedObject,
			request: IHttpRequestOptions,
		) => Promise<IHttpRequestOptions>;
		const oauthCredentials = (baseUrl: string) => ({
			authType: 'oauth',
			clientId: 'client-id',
			clientSecret: FIELD_SECRETS.tailscaleClientSecret,
			baseUrl,
		});

		it('Tailscale OAuth: a token request that cannot be sent', async () => {
			const error = await tailscaleOAuth(oauthCredentials(secretUrl(1)), { url: '/' }).catch(
				(failure: unknown) => failure as Error,
			);
			expect(error).toBeInstanceOf(Error);
			expectNoSecrets('OAuth error', error);
		});

		it('Tailscale OAuth: a token endpoint that answers 401 and echoes the request', async () => {
			const echo = await startHttpEcho(401);
			try {
				const error = await tailscaleOAuth(oauthCredentials(queryUrl(echo.port)), {
					url: '/',
				}).catch((failure: unknown) => failure as Error);
				expect((error as Error).message).toContain('HTTP 401');
				expectNoSecrets('OAuth error', error);
			} finally {
				await echo.close();
			}
		});

		const context = {} as ICredentialTestFunctions;

		it('Homelab PostgreSQL: a server that echoes the password', async () => {
			const echo = await startPostgresEcho();
			try {
				const result = await homelabPostgresConnectionTest.call(context, {
					id: 'pg',
					name: 'pg',
					type: 'homelabPostgresApi',
					data: {
						host: '127.0.0.1',
						port: echo.port,
						database: 'n8n',
						user: 'n8n',
						password: FIELD_SECRETS.postgresPassword,
					},
				});
				expect(result.status).toBe('Error');
				expectNoSecrets('credential test result', result);
			} finally {
				await echo.close();
			}
		});

		it('Homelab SSH: a server that echoes the test command', async () => {
			const echo = await startSshEcho(1);
			try {
				const result = await sshSetupConnectionTest.call(context, {
					id: 'ssh',
					name: 'ssh',
					type: 'homelabSshApi',
					data: {
						host: '127.0.0.1',
						port: echo.port,
						username: 'deploy',
						privateKey: sshKey.private,
						passphrase: SSH_PASSPHRASE,
						hostKeyFingerprint: echo.fingerprint,
						sudoPassword: FIELD_SECRETS.sudoPassword,
					},
				});
				expect(result.status).toBe('Error');
				expectNoSecrets('credential test result', result);
			} finally {
				await echo.close();
			}
		});
	});
});
