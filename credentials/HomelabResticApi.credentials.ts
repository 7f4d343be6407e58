import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

const sftp = { show: { repositoryType: ['sftp'] } };
const other = { show: { repositoryType: ['other'] } };

/**
 * A restic repository the VPS backs up to: where it is and its password (and, for SFTP, the login and
 * pinned host key of the box that holds it). Tested by the SSH Setup node's `resticRepositoryTest`.
 */
export class HomelabResticApi implements ICredentialType {
	name = 'homelabResticApi';

	displayName = 'Homelab Restic API';

	icon: Icon = { light: 'file:ssh.svg', dark: 'file:ssh.dark.svg' };

	documentationUrl =
		'https://github.com/homelab-ingress/n8n-nodes-homelab-ingress/blob/main/docs/backup.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Repository Type',
			name: 'repositoryType',
			type: 'options',
			default: 'local',
			options: [
				{
					name: 'Folder on the Server',
					value: 'local',
					description:
						'A path on the VPS itself (protects against mistakes, not against losing the VPS)',
				},
				{
					name: 'SFTP',
					value: 'sftp',
					description: 'A folder on another host over SFTP, e.g. a backup box at home',
				},
				{
					name: 'Other Restic Location',
					value: 'other',
					description: 'S3-compatible storage, a REST server, … in restic’s own syntax',
				},
			],
		},
		{
			displayName: 'Path',
			name: 'path',
			type: 'string',
			default: '/var/backups/restic',
			displayOptions: { show: { repositoryType: ['local'] } },
			description: 'Absolute path of the repository folder on the server',
		},
		{
			displayName: 'SFTP Host',
			name: 'sftpHost',
			type: 'string',
			default: '',
			placeholder: '100.64.0.5',
			displayOptions: sftp,
			description: 'Host name or IP address of the backup host, as the VPS reaches it',
		},
		{
			displayName: 'SFTP Port',
			name: 'sftpPort',
			type: 'number',
			default: 22,
			displayOptions: sftp,
		},
		{
			displayName: 'SFTP User',
			name: 'sftpUser',
			type: 'string',
			default: 'restic',
			displayOptions: sftp,
		},
		{
			displayName: 'SFTP Path',
			name: 'sftpPath',
			type: 'string',
			default: '/srv/restic/ingress',
			displayOptions: sftp,
			description:
				'Repository folder on the backup host (absolute, or relative to the user’s home)',
		},
		{
			displayName: 'SFTP Private Key',
			name: 'sftpPrivateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			displayOptions: sftp,
			placeholder: '-----BEGIN OPENSSH PRIVATE KEY-----',
			description:
				'Key the VPS logs in to the backup host with (unencrypted; it is only ever written to a root-only file for the length of a run)',
		},
		{
			displayName: 'SFTP Host Public Key',
			name: 'sftpHostKey',
			// eslint-disable-next-line n8n-nodes-base/cred-class-field-type-options-password-missing -- a public key, not a secret; users must read and compare it
			type: 'string',
			default: '',
			displayOptions: sftp,
			placeholder: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA…',
			description:
				'The backup host’s public host key, as in its /etc/ssh/ssh_host_ed25519_key.pub. The connection is refused when the host presents another key.',
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- a REST server URL carries user:password
		{
			displayName: 'Repository',
			name: 'location',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: other,
			placeholder: 's3:https://s3.example.com/bucket/ingress',
			description:
				'A restic repository location, e.g. s3:https://host/bucket/path or rest:https://user:pass@host:8000/ingress/',
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- holds S3 secret keys
		{
			displayName: 'Backend Environment',
			name: 'environment',
			type: 'string',
			typeOptions: { password: true, rows: 3 },
			default: '',
			displayOptions: other,
			placeholder: 'AWS_ACCESS_KEY_ID=…',
			description:
				'NAME=value lines restic’s backend reads (e.g. AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for S3); given to restic only',
		},
		{
			displayName: 'Repository Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Encrypts the repository. Keep a copy outside n8n: without it no backup can be restored.',
		},
	];
}
