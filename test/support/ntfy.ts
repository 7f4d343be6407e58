/** A loopback server in ntfy's place: records each notification (headers and body). */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
	headers: IncomingHttpHeaders;
	body: string;
}

export interface Ntfy {
	/** A topic URL on the recorder. */
	url: string;
	received: Recorded[];
	close(): Promise<void>;
}

export async function startNtfy(topic = 'notifications'): Promise<Ntfy> {
	const received: Recorded[] = [];
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString()));
		req.on('end', () => {
			received.push({ headers: req.headers, body });
			res.end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/${topic}`,
		received,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
