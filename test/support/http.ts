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

/** One plain HTTP request with any Host header (fetch refuses to set Host). Times out after 10 s. */
async function httpCallOnce(
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

/**
 * A plain HTTP request with any Host header. Caddy 2.6 resets the odd connection that arrives while a
 * reload swaps its servers (the HTTP listener's and the admin API's): a GET or HEAD is idempotent, so
 * it is sent again, as a browser would (RFC 9110 §9.2.2); other methods may have landed and are not.
 */
export async function httpCall(
	port: number,
	options: Parameters<typeof httpCallOnce>[1] = {},
): Promise<SimpleResponse> {
	const idempotent = ['GET', 'HEAD'].includes(options.method ?? 'GET');
	for (let attempt = 1; ; attempt++) {
		try {
			return await httpCallOnce(port, options);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (!idempotent || attempt >= 3 || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw error;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}
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
