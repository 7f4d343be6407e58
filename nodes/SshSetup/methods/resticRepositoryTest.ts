import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { parseRepository, type ResticCredentialData } from '../helpers/restic/repository';
import { SshSession } from '../transport';

/**
 * Checks the repository settings. An SFTP repository is also reached from n8n: host key against the
 * pin, login with the key, and the repository folder (or its parent, for a repository not created
 * yet) over SFTP. Other locations are opened from the server only, when a backup runs.
 */
export async function resticRepositoryTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const repository = parseRepository(credential.data as ResticCredentialData);
		const sftp = repository.sftp;
		if (!sftp)
			return {
				status: 'OK',
				message: `Settings are valid (${repository.display}); the server opens the repository when a backup runs`,
			};
		const session = await SshSession.open({
			host: sftp.host,
			port: sftp.port,
			username: sftp.user,
			privateKey: sftp.privateKey,
			fingerprint: sftp.fingerprint,
			readyTimeoutMs: 15_000,
			commandTimeoutMs: 15_000,
		});
		try {
			const kind = await session.sftpPathKind(sftp.path);
			if (kind === 'file')
				return { status: 'Error', message: `${sftp.path} on ${sftp.host} is a file, not a folder` };
			return {
				status: 'OK',
				message:
					kind === 'folder'
						? `Logged in to ${sftp.host} (host key ${sftp.fingerprint}); ${sftp.path} is there`
						: `Logged in to ${sftp.host} (host key ${sftp.fingerprint}); ${sftp.path} will be created by the first backup`,
			};
		} finally {
			session.close();
		}
	} catch (error) {
		const { message, description } = error as Error & { description?: string };
		return { status: 'Error', message: description ? `${message}. ${description}` : message };
	}
}
