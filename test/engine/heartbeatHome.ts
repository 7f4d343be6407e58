/** A loopback HTTP server that plays "home" for the Heartbeat tests: records and counts what arrives. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
	method: string;
	path: string;
	key: string;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

export interface Home {
	port: number;
	baseUrl: string;
	received: Received[];
	/** Idempotency keys a deduplicating receiver acted on: each at most once. */
	processed: string[];
	/**
	 * Status to answer with (default 200), per request, optionally with response headers, or with a body
	 * that never ends (sent until the client goes away; `endlessBytes` counts what was sent).
	 */
	respond: (
		request: Received,
	) => number | { status: number; headers: Record<string, string>; endless?: boolean };
	endlessBytes: number;
	delayMs: number;
	/** Stop listening: connections are refused until `up()`. */
	down(): Promise<void>;
	up(): Promise<void>;
	close(): Promise<void>;
}

/** Writes 64 KiB chunks as fast as the client reads them, until it goes away. */
function sendForever(res: ServerResponse, sent: (bytes: number) => void): void {
	const chunk = Buffer.alloc(64 * 1024, 'x');
	const more = () => {
		while (!res.destroyed) {
			sent(chunk.length);
			if (!res.write(chunk)) return void res.once('drain', more);
		}
	};
	res.once('error', () => undefined);
	more();
}

export async function startHome(idempotencyHeader = 'idempotency-key', port = 0): Promise<Home> {
	let server: Server | undefined;
	const seen = new Set<string>();
	const home: Home = {
		port,
		baseUrl: '',
		received: [],
		processed: [],
		respond: () => 200,
		delayMs: 0,
		endlessBytes: 0,
		async down() {
			if (!server) return;
			const closing = server;
			server = undefined;
			closing.closeAllConnections();
			await new Promise<void>((resolve) => closing.close(() => resolve()));
		},
		async up() {
			if (server) return;
			server = createServer((req, res) => {
				const chunks: Buffer[] = [];
				req.on('data', (chunk: Buffer) => chunks.push(chunk));
				req.on('end', () => {
					const key = String(req.headers[idempotencyHeader] ?? '');
					const request = {
						method: req.method ?? '',
						path: req.url ?? '',
						key,
						headers: req.headers,
						body: Buffer.concat(chunks),
					};
					home.received.push(request);
					const answer = home.respond(request);
					const { status, headers, endless } =
						typeof answer === 'number' ? { status: answer, headers: {}, endless: false } : answer;
					if (status >= 200 && status < 300 && !seen.has(key)) {
						seen.add(key);
						home.processed.push(key);
					}
					// Unref'd: an answer still held back when a test ends must not keep the process alive.
					setTimeout(() => {
						res.statusCode = status;
						for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
						if (endless) return sendForever(res, (bytes) => (home.endlessBytes += bytes));
						res.setHeader('Content-Type', 'application/json');
						res.end(JSON.stringify({ ok: status < 300, path: req.url }));
					}, home.delayMs).unref();
				});
			});
			const listening = server;
			await new Promise<void>((resolve) => listening.listen(home.port, '127.0.0.1', resolve));
			home.port = (listening.address() as AddressInfo).port;
			home.baseUrl = `http://127.0.0.1:${home.port}`;
		},
		async close() {
			await home.down();
		},
	};
	await home.up();
	return home;
}
