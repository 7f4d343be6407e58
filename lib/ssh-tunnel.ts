/**
 * A local forward over a pinned SSH session: a listener on 127.0.0.1 (random port) whose connections
 * the server relays to `host:port` on its side, e.g. Caddy's admin API, which stays on the VPS's localhost.
 */
import { createServer, type Server, type Socket } from 'node:net';

import type { SshSession } from './ssh-session';

export interface Tunnel {
	/** The local end, e.g. `http://127.0.0.1:40123`. */
	localUrl: string;
	close(): Promise<void>;
}

export async function openTunnel(
	session: SshSession,
	remoteHost: string,
	remotePort: number,
): Promise<Tunnel> {
	const sockets = new Set<Socket>();
	const server: Server = createServer((socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
		session.forwardOut(remoteHost, remotePort).then(
			(channel) => {
				socket.pipe(channel).pipe(socket);
				channel.once('close', () => socket.destroy());
				socket.once('close', () => channel.close());
			},
			() => socket.destroy(),
		);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		localUrl: `http://127.0.0.1:${port}`,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
