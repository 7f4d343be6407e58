import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { credentialSecrets, redactText } from './redact';
import { SshSession } from './ssh-session';
import { targetFromCredential, type SshCredentialData } from './ssh-target';

/**
 * The homelabSshApi credential's test, for every node that uses the credential: connects (host key pin
 * checked first), logs in and runs `true`.
 */
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
