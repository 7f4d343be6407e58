/**
 * The one place that talks SSH. Every connection checks the server's host key against a pinned
 * SHA-256 fingerprint inside ssh2's key exchange, i.e. before authentication or any command is sent.
 * (n8n's pooled getSSHClient helper cannot pin host keys, which is why this node has its own layer.)
 */
import type { Readable } from 'node:stream';
import type { Client, ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';

import { credentialSecrets, redactText, scrubSecrets } from './redact';
import { quote } from './shell';
import { fingerprintOf } from './ssh-fingerprint';

let ssh2: typeof import('ssh2') | undefined;

/** ssh2 is loaded on first connection: an idle n8n need not carry it for every node of the package. */
function loadSsh2(): typeof import('ssh2') {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load keeps n8n's start-up memory down
	ssh2 ??= require('ssh2') as typeof import('ssh2');
	return ssh2;
}

export interface SshTarget {
	host: string;
	port: number;
	username: string;
	privateKey: string;
	passphrase?: string;
	/** `SHA256:<base64>`; required unless `trustOnFirstUse`. */
	fingerprint?: string;
	trustOnFirstUse?: boolean;
	sudoPassword?: string;
	readyTimeoutMs?: number;
	commandTimeoutMs?: number;
	signal?: AbortSignal;
}

export interface RunOptions {
	/** Written to the command's stdin, then stdin is closed. */
	stdin?: string | Buffer;
	/** Run without root privileges even when the login user is not root (sudo is skipped). */
	unprivileged?: boolean;
	timeoutMs?: number;
}

interface ExitStatus {
	code: number | null;
	signal?: string;
}

export interface RunResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** What the login carries that must never be shown: a remote command may echo its stdin (the sudo password). */
function secretsOf(target: SshTarget): string[] {
	return credentialSecrets({
		privateKey: target.privateKey,
		passphrase: target.passphrase ?? '',
		sudoPassword: target.sudoPassword ?? '',
	});
}

/** A failed connection, a refused host key, a timeout: never carries secrets. */
export class SshError extends Error {
	constructor(
		message: string,
		readonly description?: string,
	) {
		super(message);
		this.name = 'SshError';
	}
}

export class SshCommandError extends SshError {
	constructor(
		readonly step: string,
		readonly result: RunResult,
	) {
		super(
			`${step} failed with exit code ${result.code}`,
			tail(result.stderr) || tail(result.stdout) || 'no output',
		);
		this.name = 'SshCommandError';
	}
}

function tail(text: string, lines = 15): string {
	return text.trim().split('\n').slice(-lines).join('\n').slice(-2000);
}

export function normalizeFingerprint(raw: string): string {
	const text = String(raw ?? '')
		.trim()
		.replace(/=+$/, '');
	if (!text) return '';
	if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(text)) {
		throw new SshError(
			`The pinned host key fingerprint "${text.slice(0, 60)}" is not in the form SHA256:<43 base64 characters>`,
			'Get it on the server with: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
		);
	}
	return text;
}

const DEFAULT_READY_TIMEOUT_MS = 20_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000;
/**
 * What `run` keeps of a command's output. The package's scripts print far less (a Caddy config of
 * 5,000 routes is under 3 MiB); a server that prints more is stopped before it fills n8n's memory.
 */
export const MAX_RUN_OUTPUT_BYTES = 64 * 1024 * 1024;

export class SshSession {
	/** Why the connection ended under a running command, when ssh2 said (keepalive timeout, reset, …). */
	private lostBecause?: string;

	private connectionClosed = false;

	private constructor(
		private readonly client: Client,
		readonly target: SshTarget,
		/** The fingerprint the server presented (what a trust-on-first-use run should pin next time). */
		readonly seenFingerprint: string,
	) {}

	get isRoot(): boolean {
		return this.target.username === 'root';
	}

	static async open(target: SshTarget): Promise<SshSession> {
		const pinned = target.trustOnFirstUse ? '' : normalizeFingerprint(target.fingerprint ?? '');
		if (!pinned && !target.trustOnFirstUse) {
			throw new SshError(
				'No host key fingerprint is pinned for this server',
				'Set the fingerprint in the credential (or the node), or explicitly choose trust on first use.',
			);
		}
		if (target.signal?.aborted) throw new SshError('The execution was cancelled');
		const client = new (loadSsh2().Client)();
		let seen = '';
		const config: ConnectConfig = {
			host: target.host,
			port: target.port,
			username: target.username,
			privateKey: target.privateKey,
			passphrase: target.passphrase || undefined,
			readyTimeout: target.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
			keepaliveInterval: 15_000,
			keepaliveCountMax: 4,
			// Called during key exchange: returning false ends the connection before user auth.
			hostVerifier: (key: Buffer) => {
				seen = fingerprintOf(key);
				return target.trustOnFirstUse === true || seen === pinned;
			},
		};
		await new Promise<void>((resolve, reject) => {
			const onAbort = () => {
				client.end();
				reject(new SshError('The execution was cancelled'));
			};
			target.signal?.addEventListener('abort', onAbort, { once: true });
			client.once('ready', () => {
				target.signal?.removeEventListener('abort', onAbort);
				resolve();
			});
			client.once('error', (error: Error & { level?: string }) => {
				target.signal?.removeEventListener('abort', onAbort);
				client.end();
				if (seen && seen !== pinned && !target.trustOnFirstUse) {
					reject(
						new SshError(
							`Host key mismatch for ${target.host}: the server presented ${seen}, the pin is ${pinned}`,
							'Nothing was sent to the server. If the server was rebuilt, update the pinned fingerprint; otherwise someone may be intercepting the connection.',
						),
					);
				} else if (error.level === 'client-authentication') {
					reject(
						new SshError(
							`SSH login as "${target.username}" was refused by ${target.host}`,
							'Check the user name and that the public key is in its authorized_keys.',
						),
					);
				} else {
					reject(
						new SshError(
							`SSH connection to ${target.host}:${target.port} failed: ${redactText(error.message, secretsOf(target))}`,
						),
					);
				}
			});
			try {
				client.connect(config);
			} catch (error) {
				const reason = redactText((error as Error).message, secretsOf(target));
				reject(new SshError(`SSH connection settings rejected: ${reason}`));
			}
		});
		const session = new SshSession(client, target, seen);
		client.on(
			'error',
			(error: Error) => (session.lostBecause ??= redactText(error.message, secretsOf(target))),
		);
		// 'end' (the server closed its side) can come a while before 'close'.
		client.on('end', () => (session.connectionClosed = true));
		client.on('close', () => (session.connectionClosed = true));
		return session;
	}

	close(): void {
		this.client.end();
	}

	/** A TCP connection the server opens to `host:port` on its side (e.g. an admin API on its localhost). */
	forwardOut(host: string, port: number): Promise<ClientChannel> {
		return new Promise((resolve, reject) => {
			try {
				this.client.forwardOut('127.0.0.1', 0, host, port, (error, channel) =>
					error
						? reject(
								new SshError(`The server refused to connect to ${host}:${port}: ${error.message}`),
							)
						: resolve(channel),
				);
			} catch (error) {
				reject(this.connectionLost() ?? new SshError((error as Error).message));
			}
		});
	}

	/** Wraps a bash script so it runs as root: directly, or through sudo (password on stdin, never argv). */
	private commandFor(
		script: string,
		options: RunOptions,
	): { command: string; stdinPrefix: string } {
		const bash = `bash -c ${quote(script)}`;
		if (this.isRoot || options.unprivileged) return { command: bash, stdinPrefix: '' };
		if (this.target.sudoPassword) {
			return { command: `sudo -S -p '' -- ${bash}`, stdinPrefix: `${this.target.sudoPassword}\n` };
		}
		return { command: `sudo -n -- ${bash}`, stdinPrefix: '' };
	}

	/**
	 * Starts the command, within the command timeout and until the execution is cancelled (a server can
	 * leave an exec request unanswered). Its exit status is recorded from the exec's callback on: for a
	 * quick command the status can come in the same read as the exec's confirmation, before an awaiting
	 * caller could listen.
	 */
	private async openChannel(
		script: string,
		options: RunOptions,
		timeoutMs: number,
	): Promise<{ channel: ClientChannel; exit: ExitStatus }> {
		const { command, stdinPrefix } = this.commandFor(script, options);
		const cannotStart = (error: Error) =>
			this.connectionLost() ??
			new SshError(
				'Could not start the command',
				redactText(error.message, secretsOf(this.target)),
			);
		const signal = this.target.signal;
		let timer: NodeJS.Timeout | undefined;
		let onAbort: (() => void) | undefined;
		const opened = await new Promise<{ channel: ClientChannel; exit: ExitStatus }>(
			(resolve, reject) => {
				let settled = false;
				const giveUp = (error: SshError) => {
					settled = true;
					reject(error);
				};
				timer = setTimeout(
					() => giveUp(new SshError(`The command did not start within ${timeoutMs} ms`)),
					timeoutMs,
				);
				onAbort = () => giveUp(new SshError('The execution was cancelled'));
				signal?.addEventListener('abort', onAbort, { once: true });
				try {
					this.client.exec(command, (error, channel) => {
						// Started after all, but nobody waits for it any more.
						if (settled) return channel?.close();
						if (error) return reject(cannotStart(error));
						const exit: ExitStatus = { code: null };
						channel.once('exit', (code: number | null, exitSignal?: string) =>
							Object.assign(exit, { code, signal: exitSignal }),
						);
						resolve({ channel, exit });
					});
				} catch (error) {
					// ssh2 throws "Not connected" at once when the socket is already gone.
					reject(cannotStart(error as Error));
				}
			},
		).finally(() => {
			clearTimeout(timer);
			if (onAbort) signal?.removeEventListener('abort', onAbort);
		});
		if (stdinPrefix) opened.channel.write(stdinPrefix);
		if (options.stdin !== undefined) opened.channel.write(options.stdin);
		opened.channel.end();
		return opened;
	}

	/**
	 * Runs a bash script and collects its output, without the login's secrets (a command that echoes
	 * its stdin would show the sudo password). Times out and follows the execution's cancel signal:
	 * both close the channel (the remote command gets SIGHUP with the session).
	 */
	async run(script: string, options: RunOptions = {}): Promise<RunResult> {
		const { stdout, done } = await this.stream(script, options);
		const chunks: Buffer[] = [];
		let size = 0;
		stdout.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_RUN_OUTPUT_BYTES) chunks.push(chunk);
			else stdout.destroy();
		});
		// Stopping the command also fails `done`: the cut output is what to report, in either case.
		const outcome = await done.then(
			(result) => ({ result }),
			(error: unknown) => ({ error }),
		);
		if (size > MAX_RUN_OUTPUT_BYTES) {
			throw new SshError(
				`The command printed more than ${MAX_RUN_OUTPUT_BYTES / 1024 / 1024} MiB and was stopped`,
			);
		}
		if ('error' in outcome) throw outcome.error;
		const stdoutText = Buffer.concat(chunks).toString('utf8');
		return { ...outcome.result, stdout: scrubSecrets(stdoutText, secretsOf(this.target)) };
	}

	/**
	 * Like `run` but hands back stdout as a stream (for archives), untouched; `done` settles when the
	 * command exits, with stderr cleaned as in `run`.
	 */
	async stream(
		script: string,
		options: RunOptions = {},
	): Promise<{ stdout: Readable; done: Promise<RunResult> }> {
		if (this.target.signal?.aborted) throw new SshError('The execution was cancelled');
		const timeoutMs =
			options.timeoutMs ?? this.target.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
		const { channel, exit } = await this.openChannel(script, options, timeoutMs);
		let stderr = '';
		channel.stderr.on('data', (chunk: Buffer) => {
			stderr = (stderr + chunk.toString('utf8')).slice(-64_000);
		});
		const done = new Promise<RunResult>((resolve, reject) => {
			let failure: SshError | undefined;
			const stop = (error: SshError) => {
				failure ??= error;
				channel.signal('KILL');
				channel.close();
			};
			const timer = setTimeout(
				() => stop(new SshError(`The command timed out after ${timeoutMs} ms`)),
				timeoutMs,
			);
			const onAbort = () => stop(new SshError('The execution was cancelled'));
			this.target.signal?.addEventListener('abort', onAbort, { once: true });
			// ssh2 emits close only after the output has ended, so the exit status is known by then.
			channel.on('close', () => {
				clearTimeout(timer);
				this.target.signal?.removeEventListener('abort', onAbort);
				if (failure) return reject(failure);
				if (exit.signal) return reject(new SshError(`The command was ended by ${exit.signal}`));
				if (exit.code === null) {
					return reject(
						this.connectionLost() ??
							new SshError("The server closed the command's channel without an exit status"),
					);
				}
				resolve({
					code: exit.code,
					stdout: '',
					stderr: scrubSecrets(stderr, secretsOf(this.target)),
				});
			});
		});
		// A consumer that never attaches must not turn a failure into an unhandled rejection.
		done.catch(() => undefined);
		return { stdout: channel, done };
	}

	/** The error for a command cut short by the end of the connection (with ssh2's reason when it gave one). */
	private connectionLost(): SshError | undefined {
		const where = `${this.target.host}:${this.target.port}`;
		// ssh2's reason goes in the description: n8n swaps a message that names an error code (ECONNRESET, …)
		// for a generic one.
		if (this.lostBecause)
			return new SshError(
				`The SSH connection to ${where} failed before the command finished`,
				this.lostBecause,
			);
		if (this.connectionClosed)
			return new SshError(`The SSH connection to ${where} closed before the command finished`);
		return undefined;
	}

	/** What `path` is on the server's SFTP subsystem (checks a backup host's login without a shell). */
	async sftpPathKind(path: string): Promise<'folder' | 'file' | 'missing'> {
		const timeoutMs = this.target.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(
				() => reject(new SshError(`SFTP did not answer within ${timeoutMs} ms`)),
				timeoutMs,
			);
		});
		const work = async () => {
			const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
				this.client.sftp((error, opened) =>
					error
						? reject(new SshError('The server did not open its SFTP subsystem', error.message))
						: resolve(opened),
				),
			);
			try {
				return await new Promise<'folder' | 'file' | 'missing'>((resolve, reject) =>
					sftp.stat(path, (error, stats) => {
						// 2: SSH_FX_NO_SUCH_FILE
						if (error) {
							if ((error as Error & { code?: number }).code === 2) return resolve('missing');
							return reject(new SshError(`SFTP could not read ${path}`, error.message));
						}
						resolve(stats.isDirectory() ? 'folder' : 'file');
					}),
				);
			} finally {
				sftp.end();
			}
		};
		try {
			return await Promise.race([work(), timeout]);
		} finally {
			clearTimeout(timer);
		}
	}

	/** `run`, failing on a non-zero exit with the tail of stderr. */
	async check(step: string, script: string, options: RunOptions = {}): Promise<RunResult> {
		const result = await this.run(script, options).catch((error: SshError) => {
			throw new SshError(`${step}: ${error.message}`, error.description);
		});
		if (result.code !== 0) throw new SshCommandError(step, result);
		return result;
	}
}
