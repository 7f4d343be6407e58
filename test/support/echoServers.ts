/**
 * Loopback servers that fail every request and echo back what the client sent (headers, URL, body,
 * password, stdin), as a careless proxy or a hostile server would: the tests then check that none of
 * it reaches a node's errors, outputs or logs.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';

import { Server as SshServer, utils as sshUtils } from 'ssh2';

import { fingerprintOf } from '../../lib/ssh-fingerprint';
import { readableKeyPair } from './sshKeys';

export interface EchoServer {
	port: number;
	close(): Promise<void>;
}

async function listening(server: Server | SshServer): Promise<number> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as AddressInfo).port;
}

async function closing(server: Server | SshServer): Promise<void> {
	await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Answers every HTTP request with `status` and a JSON body whose every usual error field (`error`,
 * `message`, Cloudflare's `errors`) holds the request line, all headers and the body. A 5xx carries a
 * long Retry-After, so clients that honour it report at once instead of retrying.
 */
export async function startHttpEcho(status: number): Promise<EchoServer> {
	const server = createHttpServer((req, res) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
		req.on('end', () => {
			const echo = `${req.method} ${req.url} headers=${JSON.stringify(req.headers)} body=${body}`;
			res.writeHead(status, { 'Content-Type': 'application/json', 'Retry-After': '3600' });
			res.end(
				JSON.stringify({ error: echo, message: echo, errors: [{ code: 1000, message: echo }] }),
			);
		});
	});
	const port = await listening(server);
	return { port, close: async () => await closing(server) };
}

function pgMessage(type: string, payload: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeInt32BE(payload.length + 4);
	return Buffer.concat([Buffer.from(type), length, payload]);
}

/**
 * A PostgreSQL server that asks for the password in clear text and refuses the login with an error
 * quoting the password it received.
 */
export async function startPostgresEcho(): Promise<EchoServer> {
	const server = createTcpServer((socket) => {
		let received = Buffer.alloc(0);
		let startupDone = false;
		socket.on('error', () => undefined);
		socket.on('data', (chunk: Buffer) => {
			received = Buffer.concat([received, chunk]);
			if (!startupDone) {
				if (received.length < 4 || received.length < received.readInt32BE(0)) return;
				received = received.subarray(received.readInt32BE(0));
				startupDone = true;
				const cleartextPassword = Buffer.alloc(4);
				cleartextPassword.writeInt32BE(3);
				socket.write(pgMessage('R', cleartextPassword));
			}
			// The password message: 'p', its length, the password NUL-terminated.
			if (received.length < 5 || received.length < 1 + received.readInt32BE(1)) return;
			const password = received.subarray(5, received.readInt32BE(1)).toString('utf8');
			const fields = [
				'SFATAL',
				'VFATAL',
				'C28P01',
				`Mpassword authentication failed: got "${password}"`,
			];
			socket.end(pgMessage('E', Buffer.from(`${fields.join('\0')}\0\0`)));
		});
	});
	const port = await listening(server);
	return { port, close: async () => await closing(server) };
}

export interface SshEchoServer extends EchoServer {
	/** The pin of its host key, as the SSH credential takes it. */
	fingerprint: string;
}

/**
 * An SSH server that lets any key in and answers every command by echoing the command and its whole
 * stdin (where a sudo password travels) on stdout and stderr, then exits with `exitCode`.
 */
export async function startSshEcho(exitCode: number): Promise<SshEchoServer> {
	const hostKey = readableKeyPair();
	const server = new SshServer({ hostKeys: [hostKey.private] }, (client) => {
		client.on('error', () => undefined);
		client.on('authentication', (context) => context.accept());
		client.on('session', (accept) => {
			accept().on('exec', (acceptExec, _reject, info) => {
				const channel = acceptExec();
				let stdin = '';
				channel.on('data', (chunk: Buffer) => (stdin += chunk.toString('utf8')));
				channel.on('end', () => {
					const echo = `ran ${info.command} with stdin ${stdin}`;
					channel.write(echo);
					channel.stderr.write(echo);
					channel.exit(exitCode);
					channel.end();
				});
			});
		});
	});
	const port = await listening(server);
	const publicKey = sshUtils.parseKey(hostKey.private);
	if (publicKey instanceof Error) throw publicKey;
	return {
		port,
		fingerprint: fingerprintOf(publicKey.getPublicSSH()),
		close: async () => await closing(server),
	};
}
