import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

/** What one HTTPS request through the public listener showed. */
export interface PublicCheck {
	status?: number;
	latencyMs: number;
	/** The certificate chains to a trusted CA and names the host. */
	trusted: boolean;
	trustError?: string;
	issuer?: string;
	validTo?: string;
	daysLeft?: number;
	/** The answer is the route's "home is offline" page. */
	offline: boolean;
	error?: string;
}

export interface PublicCheckOptions {
	address: string;
	port: number;
	host: string;
	path: string;
	ca?: string;
	timeoutMs: number;
	signal?: AbortSignal;
}

const DAY_MS = 86_400_000;
const MAX_BODY = 64 * 1024;

/**
 * One HTTPS GET to the public listener, as a visitor of `host` would make it (SNI and Host), with the
 * certificate checked the way a browser would (system CAs, or `ca` for a private CA). The answer is read
 * only far enough to recognise the offline page.
 */
export async function checkPublicHost(options: PublicCheckOptions): Promise<PublicCheck> {
	const started = performance.now();
	return await new Promise((resolve) => {
		let socket: TLSSocket | undefined;
		const certificateOf = (): Partial<PublicCheck> => {
			const cert = socket?.getPeerCertificate();
			if (!cert || !cert.valid_to) return {};
			const issuer = cert.issuer as unknown as Record<string, string> | undefined;
			return {
				issuer: issuer?.O ?? issuer?.CN,
				validTo: new Date(cert.valid_to).toISOString(),
				daysLeft: Math.floor((new Date(cert.valid_to).getTime() - Date.now()) / DAY_MS),
			};
		};
		const req = request(
			{
				host: options.address,
				port: options.port,
				path: options.path,
				method: 'GET',
				servername: options.host,
				headers: { Host: options.host, 'User-Agent': 'n8n-nodes-homelab-ingress verify' },
				ca: options.ca,
				// trust is reported, not enforced, so an untrusted or expiring certificate can be described
				rejectUnauthorized: false,
				agent: false,
				timeout: options.timeoutMs,
				signal: options.signal,
			},
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => {
					if (body.length < MAX_BODY) body += chunk;
				});
				res.on('end', () =>
					resolve({
						status: res.statusCode,
						latencyMs: Math.round(performance.now() - started),
						trusted: socket?.authorized === true,
						trustError: socket?.authorized ? undefined : String(socket?.authorizationError ?? ''),
						...certificateOf(),
						offline: res.statusCode === 503 && body.includes('Temporarily offline'),
					}),
				);
			},
		);
		req.on('socket', (s) => (socket = s as TLSSocket));
		req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
		req.on('error', (error: NodeJS.ErrnoException) =>
			resolve({
				latencyMs: Math.round(performance.now() - started),
				trusted: false,
				offline: false,
				...certificateOf(),
				error: error.code ?? error.message,
			}),
		);
		req.end();
	});
}
