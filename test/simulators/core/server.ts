/**
 * A small HTTP framework the API simulators share: routing with path parameters, per-API auth and
 * error bodies, injectable faults, a request log, and optional conformance checking of every
 * exchange against the official API description.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { realClock, type Clock } from './clock';
import type { ConformanceChecker } from './conformance';
import { FaultPlan } from './faults';

export interface SimRequest {
	method: string;
	/** Path below the API base, e.g. `/instances/abc`. */
	path: string;
	params: Record<string, string>;
	query: URLSearchParams;
	headers: IncomingMessage['headers'];
	/** Parsed JSON (or form fields for urlencoded bodies); undefined when empty. */
	body: unknown;
	rawBody: string;
}

export interface SimResponse {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Plain-text body (some APIs answer errors as text/plain). */
	text?: string;
}

export type Handler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

/** Thrown by handlers to answer with the API's own error format. */
export class SimError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly extra: Record<string, unknown> = {},
	) {
		super(message);
	}
}

export interface LoggedRequest {
	method: string;
	path: string;
	query: string;
	body: unknown;
	status: number | 'dropped';
	at: number;
}

export interface SimulatorOptions {
	name: string;
	/** Path prefix of the API (e.g. `/v2`); requests outside it get 404. */
	basePath: string;
	clock?: Clock;
	conformance?: ConformanceChecker;
	/** Builds the API's error body; `undefined` text means the API answers that error as plain text. */
	errorBody: (status: number, message: string, extra: Record<string, unknown>) => SimResponse;
	/** Returns an error response when the request is not authorised. */
	authorize?: (request: SimRequest) => SimResponse | undefined;
}

interface Route {
	method: string;
	pattern: RegExp;
	names: string[];
	handler: Handler;
}

const STATUS_TEXT_FALLBACK = 'application/json';

export class Simulator {
	readonly faults = new FaultPlan();
	readonly log: LoggedRequest[] = [];
	readonly violations: string[] = [];
	readonly clock: Clock;
	private readonly routes: Route[] = [];
	private server?: Server;
	private readonly sockets = new Set<Socket>();

	constructor(readonly options: SimulatorOptions) {
		this.clock = options.clock ?? realClock;
	}

	route(method: string, template: string, handler: Handler): void {
		const names: string[] = [];
		const source = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
			names.push(name);
			return '([^/]+)';
		});
		this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
	}

	/** Requests that would change state (everything but GET/HEAD), in order. */
	mutatingRequests(): LoggedRequest[] {
		return this.log.filter((entry) => entry.method !== 'GET' && entry.method !== 'HEAD');
	}

	get url(): string {
		const address = this.server?.address() as AddressInfo | undefined;
		if (!address) throw new Error(`${this.options.name} simulator is not listening`);
		return `http://127.0.0.1:${address.port}${this.options.basePath}`;
	}

	async listen(port = 0, host = '127.0.0.1'): Promise<string> {
		this.server = createServer((req, res) => void this.handle(req, res));
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(port, host, () => resolve());
		});
		return this.url;
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
	}

	private async readRequest(req: IncomingMessage): Promise<SimRequest> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks).toString('utf8');
		const url = new URL(req.url ?? '/', 'http://simulator');
		let body: unknown;
		if (rawBody) {
			const type = String(req.headers['content-type'] ?? '');
			body = type.includes('x-www-form-urlencoded')
				? Object.fromEntries(new URLSearchParams(rawBody))
				: (JSON.parse(rawBody) as unknown);
		}
		const path = url.pathname.startsWith(this.options.basePath)
			? url.pathname.slice(this.options.basePath.length) || '/'
			: url.pathname;
		return {
			method: req.method ?? 'GET',
			path,
			params: {},
			query: url.searchParams,
			headers: req.headers,
			body,
			rawBody,
		};
	}

	private async dispatch(request: SimRequest): Promise<SimResponse> {
		const { errorBody, authorize } = this.options;
		const denied = authorize?.(request);
		if (denied) return denied;
		for (const route of this.routes) {
			if (route.method !== request.method) continue;
			const match = route.pattern.exec(request.path);
			if (!match) continue;
			route.names.forEach(
				(name, index) => (request.params[name] = decodeURIComponent(match[index + 1])),
			);
			try {
				return await route.handler(request);
			} catch (error) {
				if (error instanceof SimError) return errorBody(error.status, error.message, error.extra);
				throw error;
			}
		}
		return errorBody(404, 'Not found', {});
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		let request: SimRequest;
		try {
			request = await this.readRequest(req);
		} catch {
			this.send(res, this.options.errorBody(400, 'Malformed request body', {}));
			return;
		}
		const entry: LoggedRequest = {
			method: request.method,
			path: request.path,
			query: request.query.toString(),
			body: request.body,
			status: 'dropped',
			at: this.clock.now(),
		};
		this.log.push(entry);
		let response: SimResponse | undefined;
		for (const action of this.faults.take(request.method, request.path)) {
			if (action.kind === 'latency') await new Promise((r) => setTimeout(r, action.ms));
			else if (action.kind === 'drop') {
				if (action.when === 'after') await this.dispatch(request).catch(() => undefined);
				req.socket.destroy();
				return;
			} else {
				response = this.options.errorBody(action.status, 'Injected fault', {});
				if (action.retryAfterSeconds !== undefined) {
					response.headers = {
						...response.headers,
						'Retry-After': String(action.retryAfterSeconds),
					};
				}
			}
		}
		try {
			response ??= await this.dispatch(request);
		} catch (error) {
			response = this.options.errorBody(500, `Simulator failure: ${(error as Error).message}`, {});
		}
		entry.status = response.status;
		this.checkConformance(request, response);
		this.send(res, response);
	}

	private checkConformance(request: SimRequest, response: SimResponse): void {
		const checker = this.options.conformance;
		if (!checker) return;
		const isJson = String(request.headers['content-type'] ?? STATUS_TEXT_FALLBACK).includes('json');
		const problems = checker.check({
			method: request.method,
			path: request.path,
			query: request.query,
			requestBody: isJson ? request.body : undefined,
			status: response.status,
			responseBody: response.body,
		});
		this.violations.push(...problems);
	}

	private send(res: ServerResponse, response: SimResponse): void {
		const headers: Record<string, string> = { ...response.headers };
		let payload = '';
		if (response.body !== undefined) {
			payload = JSON.stringify(response.body);
			headers['Content-Type'] = 'application/json';
		} else if (response.text !== undefined) {
			payload = response.text;
			headers['Content-Type'] = 'text/plain; charset=utf-8';
		}
		res.writeHead(response.status, headers);
		res.end(payload);
	}
}
