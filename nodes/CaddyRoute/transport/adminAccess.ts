/**
 * How the node reaches Caddy's admin API: at the credential's URL, or through an SSH tunnel to the VPS
 * (Install Caddy keeps the admin API on the VPS's localhost, so n8n elsewhere cannot reach it directly).
 * The tunnel is opened on the execution's first admin request and closed when the node finishes.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { KindedError } from '../../../lib/errors';
import { SshError, SshSession, type SshTarget } from '../../../lib/ssh-session';
import {
	CREDENTIAL as SSH_CREDENTIAL,
	targetFromCredential,
	type SshCredentialData,
} from '../../../lib/ssh-target';
import { openTunnel, TUNNEL_KEY_HEADER, type Tunnel } from '../../../lib/ssh-tunnel';
import { InputError } from '../../../lib/validation';

export interface AdminTarget {
	/** Where requests go: the admin URL itself, or the tunnel's local end. */
	baseURL: string;
	/** Headers a request through the tunnel needs: the admin address as Host (Caddy checks it), the tunnel key. */
	headers: Record<string, string>;
}

const tunnels = new WeakMap<object, Promise<Tunnel>>();

function isExecution(context: object): context is IExecuteFunctions {
	return 'getInputData' in context;
}

/** The SSH target of the tunnel: the credential with the node's overrides, from the first item. */
async function sshTargetOf(context: IExecuteFunctions): Promise<SshTarget> {
	const credentials = await context.getCredentials<SshCredentialData>(SSH_CREDENTIAL, 0);
	const overrides = context.getNodeParameter('sshConnection', 0, {}) as {
		host?: string;
		hostKeyFingerprint?: string;
	};
	return targetFromCredential(credentials, {
		host: overrides.host?.trim() || undefined,
		fingerprint: overrides.hostKeyFingerprint?.trim() || undefined,
		signal: context.getExecutionCancelSignal?.(),
	});
}

function throughSsh(context: IExecuteFunctions): boolean {
	return context.getNodeParameter('adminAccess', 0, 'direct') === 'ssh';
}

/** The server the tunnel goes to (its public address), or undefined when the API is reached directly. */
export async function tunnelHost(context: IExecuteFunctions): Promise<string | undefined> {
	return throughSsh(context) ? (await sshTargetOf(context)).host : undefined;
}

async function openAdminTunnel(context: IExecuteFunctions, adminUrl: URL): Promise<Tunnel> {
	if (adminUrl.protocol !== 'http:')
		throw new InputError(
			'Admin API Access',
			'"Through SSH" needs an http:// admin URL (the tunnel is the encryption)',
		);
	const target = await sshTargetOf(context);
	let session: SshSession;
	try {
		session = await SshSession.open(target);
	} catch (error) {
		if (error instanceof SshError)
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- becomes a NodeOperationError with its kind in mapItems
			throw new KindedError('upstream', `Caddy admin API through SSH: ${error.message}`);
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- not an SSH failure: mapItems reports it as it is
		throw error;
	}
	const port = Number(adminUrl.port || 80);
	const tunnel = await openTunnel(session, adminUrl.hostname.replace(/^\[|\]$/g, ''), port);
	return {
		localUrl: tunnel.localUrl,
		key: tunnel.key,
		close: async () => {
			await tunnel.close();
			session.close();
		},
	};
}

/** Where an admin request goes. Lists in the editor (load options) always connect directly. */
export async function adminTarget(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	adminUrl: string,
): Promise<AdminTarget> {
	if (!isExecution(context) || !throughSsh(context)) return { baseURL: adminUrl, headers: {} };
	let tunnel = tunnels.get(context);
	if (!tunnel) {
		tunnel = openAdminTunnel(context, new URL(adminUrl));
		tunnels.set(context, tunnel);
		// A failed attempt is not cached: the next item tries again.
		tunnel.catch(() => tunnels.delete(context));
	}
	const { localUrl, key } = await tunnel;
	return {
		baseURL: localUrl,
		headers: { Host: new URL(adminUrl).host, [TUNNEL_KEY_HEADER]: key },
	};
}

/** Closes the execution's tunnel, if one was opened. */
export async function closeAdminTunnel(context: IExecuteFunctions): Promise<void> {
	const tunnel = tunnels.get(context);
	tunnels.delete(context);
	await (await tunnel?.catch(() => undefined))?.close();
}
