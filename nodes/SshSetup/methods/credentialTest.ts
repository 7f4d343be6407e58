import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { credentialSecrets, redactText } from '../../../lib/redact';
import { targetFromCredential, type SshCredentialData } from '../helpers/connection';
import { SshSession } from '../transport';

/** Connects with the credential (host key pin checked first), logs in and runs `true`. */
export async function sshSetupConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const session = await SshSession.open(
			targetFromCredential(credential.data as unknown as SshCredentialData, {
				readyTimeoutMs: 15_000,
				commandTimeoutMs: 15_000,
			}),
		);
		try {
			await session.check('Test command', 'true', { unprivileged: true });
		} finally {
			session.close();
		}
		return {
			status: 'OK',
			message: `Connected; host key ${session.seenFingerprint} matches the pin`,
		};
	} catch (error) {
		const { message, description } = error as Error & { description?: string };
		const shown = description ? `${message}. ${description}` : message;
		return { status: 'Error', message: redactText(shown, credentialSecrets(credential.data)) };
	}
}
