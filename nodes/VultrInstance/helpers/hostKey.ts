import { fingerprintOf } from '../../../lib/ssh-fingerprint';

/** A freshly generated server host key. `privateKey` is for the user data only, never for output. */
export interface HostKeyPair {
	/** OpenSSH format (`-----BEGIN OPENSSH PRIVATE KEY-----`), unencrypted, as sshd reads it. */
	privateKey: string;
	/** `ssh-ed25519 <base64> <comment>`. */
	publicKey: string;
	/** OpenSSH's `SHA256:<base64, no padding>` form, as `ssh-keygen -lf` prints it. */
	fingerprint: string;
}

export function generateHostKey(comment = 'host'): HostKeyPair {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use: an idle n8n need not carry ssh2 for this node
	const { utils } = require('ssh2') as typeof import('ssh2');
	const pair = utils.generateKeyPairSync('ed25519', { comment });
	const blob = Buffer.from(pair.public.split(' ')[1], 'base64');
	return { privateKey: pair.private, publicKey: pair.public, fingerprint: fingerprintOf(blob) };
}
