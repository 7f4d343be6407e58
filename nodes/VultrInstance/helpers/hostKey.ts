import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';

/** A freshly generated server host key. `privateKey` is for the user data only, never for output. */
export interface HostKeyPair {
	privateKey: string;
	publicKey: string;
	/** OpenSSH's `SHA256:<base64, no padding>` form, as `ssh-keygen -lf` prints it. */
	fingerprint: string;
}

function sshString(data: Buffer | string): Buffer {
	const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(bytes.length);
	return Buffer.concat([length, bytes]);
}

function uint32(value: number): Buffer {
	const buffer = Buffer.alloc(4);
	buffer.writeUInt32BE(value);
	return buffer;
}

/** The openssh-key-v1 container sshd reads for /etc/ssh/ssh_host_ed25519_key (unencrypted). */
function opensshPrivateKey(
	seed: Buffer,
	publicRaw: Buffer,
	publicBlob: Buffer,
	comment: string,
): string {
	const check = randomBytes(4);
	let secret = Buffer.concat([
		check,
		check,
		sshString('ssh-ed25519'),
		sshString(publicRaw),
		sshString(Buffer.concat([seed, publicRaw])),
		sshString(comment),
	]);
	const padding = Buffer.from(
		Array.from({ length: (8 - (secret.length % 8)) % 8 }, (_, i) => i + 1),
	);
	secret = Buffer.concat([secret, padding]);
	const container = Buffer.concat([
		Buffer.from('openssh-key-v1\0'),
		sshString('none'),
		sshString('none'),
		sshString(''),
		uint32(1),
		sshString(publicBlob),
		sshString(secret),
	]);
	const lines = container.toString('base64').match(/.{1,70}/g) ?? [];
	return [
		'-----BEGIN OPENSSH PRIVATE KEY-----',
		...lines,
		'-----END OPENSSH PRIVATE KEY-----',
		'',
	].join('\n');
}

export function fingerprintOf(publicBlob: Buffer): string {
	return `SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`;
}

export function generateHostKey(comment = 'host'): HostKeyPair {
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	const publicRaw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
	const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
	const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(publicRaw)]);
	return {
		privateKey: opensshPrivateKey(seed, publicRaw, blob, comment),
		publicKey: `ssh-ed25519 ${blob.toString('base64')} ${comment}`,
		fingerprint: fingerprintOf(blob),
	};
}
