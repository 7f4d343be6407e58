import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * An SSH login by key, with the server's host key pinned. Tested by the SSH Setup node's
 * `sshSetupConnectionTest`, which connects and checks the pin (SSH is not HTTP, so no request test).
 */
export class HomelabSshApi implements ICredentialType {
	name = 'homelabSshApi';

	displayName = 'Homelab SSH API';

	icon: Icon = { light: 'file:ssh.svg', dark: 'file:ssh.dark.svg' };

	documentationUrl =
		'https://github.com/homelab-ingress/n8n-nodes-homelab-ingress/blob/main/docs/ssh-setup.md';

	properties: INodeProperties[] = [
		{
			displayName:
				'Use a key pair made for n8n (<code>ssh-keygen -t ed25519</code>) whose public key is in the server\'s authorized_keys. The fingerprint: <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> on the server, or Vultr Instance → Create with Pin Host Key. <a href="https://github.com/homelab-ingress/n8n-nodes-homelab-ingress/blob/main/docs/ssh-setup.md#credential-homelab-ssh-api-homelabsshapi">SSH Setup docs</a>',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: '',
			required: true,
			placeholder: '203.0.113.10',
			description:
				'IP address or host name of the server (the SSH Setup node can override it per item)',
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 22,
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: 'root',
			description: 'Login user. Non-root users run privileged steps through sudo.',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			placeholder: '-----BEGIN OPENSSH PRIVATE KEY-----',
			description: 'The whole private key file, line breaks included (OpenSSH or PEM format)',
		},
		{
			displayName: 'Passphrase',
			name: 'passphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only if the private key is encrypted',
		},
		{
			displayName: 'Host Key Fingerprint',
			name: 'hostKeyFingerprint',
			// eslint-disable-next-line n8n-nodes-base/cred-class-field-type-options-password-missing -- a public fingerprint, not a secret; users must read and compare it
			type: 'string',
			default: '',
			placeholder: 'SHA256:4Jx3xq…',
			description:
				"The server's host key fingerprint as `ssh-keygen -lf` prints it. The connection is refused before anything is sent when the server presents another key.",
		},
		{
			displayName: 'Sudo Password',
			name: 'sudoPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for a non-root user whose sudo asks for a password; it is sent on stdin, never on a command line',
		},
	];
}
