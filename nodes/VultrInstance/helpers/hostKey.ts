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

const ATTEMPTS = 10;

/**
 * A new ed25519 host key from ssh2's key utilities. About 1 in 200 keys ssh2 1.17 writes cannot be read
 * back (ssh2's own parser and OpenSSH's ssh-keygen both refuse them), so every key is read back before it
 * is used, and a refused one is replaced by a fresh one.
 */
export function generateHostKey(comment = 'host'): HostKeyPair {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use: an idle n8n need not carry ssh2 for this node
	const { utils } = require('ssh2') as typeof import('ssh2');
	for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
		const pair = utils.generateKeyPairSync('ed25519', { comment });
		if (utils.parseKey(pair.private) instanceof Error) continue;
		const blob = Buffer.from(pair.public.split(' ')[1], 'base64');
		return { privateKey: pair.private, publicKey: pair.public, fingerprint: fingerprintOf(blob) };
	}
	throw new Error(`ssh2 made ${ATTEMPTS} unreadable host keys in a row`);
}
