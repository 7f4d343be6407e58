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

/** An execution, or the editor asking for a list (load options), which has no items. */
type AdminContext = IExecuteFunctions | ILoadOptionsFunctions;

const tunnels = new WeakMap<object, Promise<Tunnel>>();

function isExecution(context: object): context is IExecuteFunctions {
	return 'getInputData' in context;
}

interface SshOverrides {
	host?: string;
	hostKeyFingerprint?: string;
}

function overridesAt(context: AdminContext, itemIndex: number): SshOverrides {
	let given: SshOverrides | undefined;
	try {
		given = (
			isExecution(context)
				? context.getNodeParameter('sshConnection', itemIndex, {})
				: context.getNodeParameter('sshConnection', {})
		) as SshOverrides;
	} catch {
		// In the editor an override like {{ $json.mainIp }} has no item to read.
		given = undefined;
	}
	if (!given)
		throw new InputError(
			'SSH Connection',
			'the overrides need item data the editor does not have; type the server name instead of picking it from the list',
		);
	return {
		host: String(given.host ?? '').trim() || undefined,
		hostKeyFingerprint: String(given.hostKeyFingerprint ?? '').trim() || undefined,
	};
}

/**
 * The SSH target of the tunnel: the credential with the node's overrides. One execution opens one tunnel,
 * so items whose overrides name another server are refused rather than sent to the first item's.
 */
async function sshTargetOf(context: AdminContext): Promise<SshTarget> {
	const credentials = await context.getCredentials<SshCredentialData>(SSH_CREDENTIAL, 0);
	const first = overridesAt(context, 0);
	const items = isExecution(context) ? context.getInputData().length : 1;
	for (let itemIndex = 1; itemIndex < items; itemIndex++) {
		const other = overridesAt(context, itemIndex);
		if (other.host !== first.host || other.hostKeyFingerprint !== first.hostKeyFingerprint)
			throw new InputError(
				'SSH Connection',
				`item ${itemIndex + 1} names another server than item 1; one execution reaches one VPS through SSH, so split the items per server (Loop Over Items)`,
			);
	}
	return targetFromCredential(credentials, {
		host: first.host,
		fingerprint: first.hostKeyFingerprint,
		signal: isExecution(context) ? context.getExecutionCancelSignal?.() : undefined,
	});
}

function throughSsh(context: AdminContext): boolean {
	const access = isExecution(context)
		? context.getNodeParameter('adminAccess', 0, 'direct')
		: context.getNodeParameter('adminAccess', 'direct');
	return access === 'ssh';
}

/** The server the tunnel goes to (its public address), or undefined when the API is reached directly. */
export async function tunnelHost(context: IExecuteFunctions): Promise<string | undefined> {
	return throughSsh(context) ? (await sshTargetOf(context)).host : undefined;
}

async function openAdminTunnel(context: AdminContext, adminUrl: URL): Promise<Tunnel> {
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

/**
 * Where an admin request goes. The tunnel is opened by the first request of an execution (or of a list
 * the editor asks for) and closed by closeAdminTunnel when that ends.
 */
export async function adminTarget(context: AdminContext, adminUrl: string): Promise<AdminTarget> {
	if (!throughSsh(context)) return { baseURL: adminUrl, headers: {} };
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

/** Closes the execution's (or the list's) tunnel, if one was opened. */
export async function closeAdminTunnel(context: AdminContext): Promise<void> {
	const tunnel = tunnels.get(context);
	tunnels.delete(context);
	await (await tunnel?.catch(() => undefined))?.close();
}
