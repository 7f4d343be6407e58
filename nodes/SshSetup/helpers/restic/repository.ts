import { isIP } from 'node:net';

import { quoted } from '../../../../lib/errors';
import { parseAbsolutePath, parseEnvName } from '../../../../lib/shell';
import { InputError, parseHostname, parsePort } from '../../../../lib/validation';
import { fingerprintOf } from '../../../../lib/ssh-fingerprint';

export const RESTIC_CREDENTIAL = 'homelabResticApi';

export interface ResticCredentialData {
	repositoryType?: string;
	path?: string;
	sftpHost?: string;
	sftpPort?: number;
	sftpUser?: string;
	sftpPath?: string;
	sftpPrivateKey?: string;
	sftpHostKey?: string;
	location?: string;
	environment?: string;
	password?: string;
}

export interface SftpLogin {
	host: string;
	port: number;
	user: string;
	path: string;
	privateKey: string;
	/** `<type> <base64>` of the pinned host key, for ssh's known_hosts. */
	hostKey: string;
	/** The pinned key's fingerprint, `SHA256:…`. */
	fingerprint: string;
}

export interface ResticRepository {
	/** restic's location string. It may carry credentials (a REST URL), so it only travels on stdin. */
	location: string;
	password: string;
	/** The location as outputs and messages may show it: no user:password part. */
	display: string;
	sftp?: SftpLogin;
	/** Variables for restic's backend (S3 keys, …), set for restic alone. */
	environment: Array<[string, string]>;
}

const KEY_TYPES =
	/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;
const BACKENDS = /^(local|sftp|rest|s3|b2|azure|gs|swift|rclone):\S/;
const RESERVED_VARIABLES = /^RESTIC_(PASSWORD|REPOSITORY)/;

function parsePassword(raw: unknown): string {
	const password = String(raw ?? '');
	if (!password) throw new InputError('Repository Password', 'is required');
	if (/[\r\n\0]/.test(password))
		throw new InputError('Repository Password', 'must be one line (no CR, LF or NUL)');
	if (password.trim() !== password)
		throw new InputError(
			'Repository Password',
			'must not start or end with spaces (restic would drop them)',
		);
	return password;
}

/** A host key as `<type> <base64>`, from a .pub file line or a known_hosts line; its blob must name the same type. */
export function parseHostKey(raw: unknown): { hostKey: string; fingerprint: string } {
	const words = String(raw ?? '')
		.trim()
		.split(/\s+/);
	const at = words.findIndex((word) => KEY_TYPES.test(word));
	const [type, data] = at >= 0 ? [words[at], words[at + 1] ?? ''] : ['', ''];
	if (!type || !/^[A-Za-z0-9+/]+={0,2}$/.test(data))
		throw new InputError(
			'SFTP Host Public Key',
			'give the host key line, e.g. the content of /etc/ssh/ssh_host_ed25519_key.pub',
		);
	const blob = Buffer.from(data, 'base64');
	const nameLength = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
	if (blob.subarray(4, 4 + nameLength).toString('latin1') !== type)
		throw new InputError('SFTP Host Public Key', `the key data is not a ${type} key`);
	return { hostKey: `${type} ${data}`, fingerprint: fingerprintOf(blob) };
}

function parseSftp(data: ResticCredentialData): SftpLogin {
	const rawHost = String(data.sftpHost ?? '').trim();
	const host = isIP(rawHost) ? rawHost : parseHostname('SFTP Host', rawHost, false);
	const user = String(data.sftpUser ?? '').trim();
	if (!/^[a-z_][a-z0-9_.-]{0,31}$/i.test(user))
		throw new InputError('SFTP User', `${quoted(user)} is not a valid user name`);
	const path = String(data.sftpPath ?? '').trim();
	if (!/^[A-Za-z0-9._/@+~-]+$/.test(path) || path.split('/').includes('..'))
		throw new InputError(
			'SFTP Path',
			`${quoted(path)} must be a folder path of letters, digits and . _ / @ + ~ - (no "..")`,
		);
	const privateKey = `${String(data.sftpPrivateKey ?? '')
		.replace(/\r\n/g, '\n')
		.trim()}\n`;
	if (
		!/^-----BEGIN [A-Z ]*PRIVATE KEY-----\n[\s\S]+\n-----END [A-Z ]*PRIVATE KEY-----\n$/.test(
			privateKey,
		)
	)
		throw new InputError('SFTP Private Key', 'give the whole private key file (OpenSSH or PEM)');
	if (/ENCRYPTED|Proc-Type: 4,ENCRYPTED/.test(privateKey))
		throw new InputError('SFTP Private Key', 'must not be protected by a passphrase');
	return {
		host,
		port: parsePort('SFTP Port', data.sftpPort ?? 22),
		user,
		path,
		privateKey,
		...parseHostKey(data.sftpHostKey),
	};
}

function parseEnvironment(raw: unknown): Array<[string, string]> {
	return String(raw ?? '')
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter((line) => line && !line.startsWith('#'))
		.map((line) => {
			const at = line.indexOf('=');
			const name = parseEnvName('Backend Environment', at > 0 ? line.slice(0, at) : line);
			if (RESERVED_VARIABLES.test(name))
				throw new InputError(
					'Backend Environment',
					`${name} is set by the node itself (the password and location never go through the environment)`,
				);
			const value = line.slice(at + 1);
			if (/\0/.test(value)) throw new InputError('Backend Environment', 'must not contain NUL');
			return [name, value] as [string, string];
		});
}

/** The location without the password of a `scheme://user:password@host` URL in it. */
function withoutUserInfo(location: string): string {
	return location.replace(/(\/\/)[^/@\s]*@/g, '$1***@');
}

/** Reads and checks the credential; errors name the field and never echo a secret. */
export function parseRepository(data: ResticCredentialData): ResticRepository {
	const password = parsePassword(data.password);
	const type = String(data.repositoryType ?? 'local');
	if (type === 'sftp') {
		const sftp = parseSftp(data);
		const host = isIP(sftp.host) === 6 ? `[${sftp.host}]` : sftp.host;
		const location = `sftp:${sftp.user}@${host}:${sftp.path}`;
		return { location, password, display: location, sftp, environment: [] };
	}
	if (type === 'other') {
		const location = String(data.location ?? '').trim();
		if (/[\r\n\0]/.test(location) || !BACKENDS.test(location))
			throw new InputError(
				'Repository',
				'give a restic location such as s3:https://host/bucket/path or rest:https://host:8000/path/',
			);
		return {
			location,
			password,
			display: withoutUserInfo(location),
			environment: parseEnvironment(data.environment),
		};
	}
	const path = parseAbsolutePath('Path', String(data.path ?? ''));
	if (path === '/') throw new InputError('Path', 'the repository needs its own folder, not /');
	return { location: path, password, display: `local:${path}`, environment: [] };
}

/** Every secret the repository settings hold, longest first (so a secret inside another is masked whole). */
function secretsOf(repository: ResticRepository): string[] {
	return [
		repository.password,
		repository.sftp?.privateKey.trim() ?? '',
		...repository.environment.map(([, value]) => value),
	]
		.filter((secret) => secret.length >= 4)
		.sort((a, b) => b.length - a.length);
}

/** Text from the server (restic's messages) with every secret of the repository masked. */
export function redact(text: string, repository: ResticRepository): string {
	let result = text.split(repository.location).join(repository.display);
	for (const secret of secretsOf(repository)) result = result.split(secret).join('***');
	return withoutUserInfo(result);
}
