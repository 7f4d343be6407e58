import { createHash } from 'node:crypto';

/** The fingerprint `ssh-keygen -lf` and sshd print: SHA256 of the public key blob, base64 without padding. */
export function fingerprintOf(publicKeyBlob: Buffer): string {
	return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}
