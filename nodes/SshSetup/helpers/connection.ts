import type { IExecuteFunctions } from 'n8n-workflow';

import { CREDENTIAL, targetFromCredential, type SshCredentialData } from '../../../lib/ssh-target';
import { SshSession, type SshTarget } from '../transport';

export async function targetAt(this: IExecuteFunctions, itemIndex: number): Promise<SshTarget> {
	const credentials = await this.getCredentials<SshCredentialData>(CREDENTIAL, itemIndex);
	const connection = this.getNodeParameter('connection', itemIndex, {}) as {
		host?: string;
		hostKeyFingerprint?: string;
		readyTimeout?: number;
		commandTimeout?: number;
	};
	const hostKeyCheck = this.getNodeParameter('hostKeyCheck', itemIndex, 'pinned') as string;
	return targetFromCredential(credentials, {
		host: connection.host?.trim() || undefined,
		fingerprint: connection.hostKeyFingerprint?.trim() || undefined,
		trustOnFirstUse: hostKeyCheck === 'trustOnFirstUse',
		readyTimeoutMs: (connection.readyTimeout ?? 20) * 1000,
		commandTimeoutMs: (connection.commandTimeout ?? 600) * 1000,
		signal: this.getExecutionCancelSignal?.(),
	});
}

/** Opens a session for one item, hands it to `work`, and always closes it. */
export async function withSession<T>(
	context: IExecuteFunctions,
	itemIndex: number,
	work: (session: SshSession) => Promise<T>,
): Promise<T> {
	const session = await SshSession.open(await targetAt.call(context, itemIndex));
	try {
		return await work(session);
	} finally {
		session.close();
	}
}
