/**
 * A local forward over a pinned SSH session: a listener on 127.0.0.1 (random port) whose connections
 * the server relays to `host:port` on its side, e.g. Caddy's admin API, which stays on the VPS's localhost.
 * Other processes on the same machine can reach a loopback port too, so a connection is relayed only when
 * its first HTTP request carries the tunnel's random key header; anything else is closed unforwarded.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

import type { SshSession } from './ssh-session';

export const TUNNEL_KEY_HEADER = 'X-Homelab-Tunnel-Key';
const MAX_HEAD_BYTES = 16 * 1024;

export interface Tunnel {
	/** The local end, e.g. `http://127.0.0.1:40123`. */
	localUrl: string;
	/** Send as TUNNEL_KEY_HEADER on every request through the tunnel. */
	key: string;
	close(): Promise<void>;
}

/** Whether an HTTP request head (up to its blank line) carries the key header with exactly this key. */
export function carriesTunnelKey(head: string, key: string): boolean {
	const name = TUNNEL_KEY_HEADER.toLowerCase();
	return head
		.split('\r\n')
		.slice(1)
		.some((line) => {
			const colon = line.indexOf(':');
			return (
				colon > 0 &&
				line.slice(0, colon).trim().toLowerCase() === name &&
				line.slice(colon + 1).trim() === key
			);
		});
}

/** Reads the first request head; resolves with what was read once it ends, or undefined when it never does. */
function firstRequestHead(socket: Socket): Promise<Buffer | undefined> {
	return new Promise((resolve) => {
		let buffered = Buffer.alloc(0);
		const done = (result: Buffer | undefined) => {
			// Paused, so nothing that follows the head is lost before the socket is piped on.
			socket.pause();
			socket.off('data', onData);
			socket.off('close', onClose);
			resolve(result);
		};
		const onData = (chunk: Buffer) => {
			buffered = Buffer.concat([buffered, chunk]);
			if (buffered.includes('\r\n\r\n')) done(buffered);
			else if (buffered.length > MAX_HEAD_BYTES) done(undefined);
		};
		const onClose = () => done(undefined);
		socket.on('data', onData);
		socket.once('close', onClose);
	});
}

export async function openTunnel(
	session: SshSession,
	remoteHost: string,
	remotePort: number,
): Promise<Tunnel> {
	const key = randomBytes(24).toString('base64url');
	const sockets = new Set<Socket>();
	const relay = async (socket: Socket): Promise<void> => {
		const head = await firstRequestHead(socket);
		if (!head || !carriesTunnelKey(head.toString('latin1').split('\r\n\r\n')[0], key)) {
			socket.destroy();
			return;
		}
		const channel = await session.forwardOut(remoteHost, remotePort).catch(() => undefined);
		if (!channel || socket.destroyed) {
			socket.destroy();
			return;
		}
		channel.write(head);
		socket.pipe(channel).pipe(socket);
		channel.once('close', () => socket.destroy());
		socket.once('close', () => channel.close());
	};
	const server: Server = createServer((socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
		void relay(socket);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		localUrl: `http://127.0.0.1:${port}`,
		key,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
