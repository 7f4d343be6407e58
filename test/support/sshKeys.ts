import { generateHostKey } from '../../nodes/VultrInstance/helpers/hostKey';

/** An ed25519 key pair in OpenSSH format that ssh2 can read back (see generateHostKey). */
export function readableKeyPair(): { private: string; public: string } {
	const key = generateHostKey('test');
	return { private: key.privateKey, public: key.publicKey };
}
