import {
	request as httpRequest,
	createServer,
	type IncomingHttpHeaders,
	type Server,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface SimpleResponse {
	status: number;
	body: string;
	headers: IncomingHttpHeaders;
}

/** A plain HTTP request with any Host header (fetch refuses to set Host). Times out after 10 s. */
export async function httpCall(
	port: number,
	options: {
		host?: string;
		path?: string;
		method?: string;
		headers?: Record<string, string>;
		body?: string;
	} = {},
): Promise<SimpleResponse> {
	return await new Promise((resolve, reject) => {
		const req = httpRequest(
			{
				host: '127.0.0.1',
				port,
				path: options.path ?? '/',
				method: options.method ?? 'GET',
				headers: { ...(options.host ? { Host: options.host } : {}), ...options.headers },
				timeout: 10_000,
				// a fresh connection per request: Caddy closes idle keep-alive connections when it reloads
				agent: false,
			},
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (body += chunk));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
			},
		);
		req.on('timeout', () => req.destroy(new Error('request timed out')));
		req.on('error', reject);
		req.end(options.body);
	});
}

export interface Upstream {
	port: number;
	hits: number;
	close(): Promise<void>;
}

/** A loopback upstream that answers every request with `name` (and counts them). */
export async function startUpstream(
	name: string,
	tls?: { key: string; cert: string },
): Promise<Upstream> {
	const state = { hits: 0 };
	const handler = (
		req: { url?: string },
		res: { setHeader(k: string, v: string): void; end(b: string): void },
	) => {
		state.hits++;
		res.setHeader('Content-Type', 'text/plain');
		res.end(`${name} ${req.url ?? ''}`);
	};
	const server: Server = tls ? createHttpsServer(tls, handler) : createServer(handler);
	// Longer than Caddy keeps idle upstream connections (2 min): Node's 5 s default would close a
	// connection just as Caddy reuses it, and the visitor would get a 502.
	server.keepAliveTimeout = 150_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as AddressInfo).port,
		get hits() {
			return state.hits;
		},
		async close() {
			server.closeAllConnections?.();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
