/**
 * The exported heartbeat receiver and offline relay workflows in a real n8n (the packed package installed
 * as a community package, embedded store in n8n's user folder), called over HTTP; a loopback server
 * plays home and answers the status each test asks for.
 */
import {
	randomSecret,
	routeCredentials,
	shippedWorkflows,
	type WorkflowJson,
} from '../../scripts/n8n-instance';
import { startHome, type Home, type Received } from '../engine/heartbeatHome';
import { describeWithN8n, startTestN8n, type TestN8n } from '../support/n8n';

jest.setTimeout(30_000);

const RECEIVER_ID = 'hliHeartbeatRecv1';
const RELAY_ID = 'hliOfflineRelay01';

function shipped(id: string): WorkflowJson {
	const workflow = shippedWorkflows().find((candidate) => candidate.id === id);
	if (!workflow) throw new Error(`workflows/ has no workflow with id ${id}`);
	return structuredClone(workflow);
}

/** Home answers the status named in the path (`/status/503`), 200 otherwise. */
const statusFromPath = (request: Received) =>
	Number(/^\/status\/(\d{3})/.exec(request.path)?.[1] ?? 200);

describeWithN8n('heartbeat receiver and offline relay workflows in a real n8n', () => {
	const token = randomSecret();
	let home: Home;
	let n8n: TestN8n;

	/** `authorization: null` sends no Authorization header at all; a string body is sent as it is. */
	const call = async (
		path: string,
		body: unknown,
		authorization: string | null = `Bearer ${token}`,
	) => {
		const response = await fetch(`${n8n.baseUrl}/webhook/${path}`, {
			method: 'POST',
			headers: {
				'Content-Type': 'application/json',
				...(authorization === null ? {} : { Authorization: authorization }),
			},
			body: typeof body === 'string' ? body : JSON.stringify(body),
			signal: AbortSignal.timeout(20_000),
		});
		const text = await response.text();
		const type = response.headers.get('content-type') ?? '';
		const json = type.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : { text };
		return { status: response.status, type, headers: response.headers, json };
	};
	const relay = async (body: Record<string, unknown>) => await call('ingress/relay', body);
	const keysReceived = () => home.received.map((request) => request.key);

	beforeAll(async () => {
		home = await startHome();
		home.respond = statusFromPath;
		const receiver = shipped(RECEIVER_ID);
		// What the user fills in after import: where home answers (here a loopback server).
		const recordBeat = receiver.nodes.find((node) => node.name === 'Record Beat');
		expect(recordBeat?.parameters.baseUrl).toMatch(/^http:\/\/100\./);
		recordBeat!.parameters.baseUrl = home.baseUrl;
		n8n = await startTestN8n({
			credentials: routeCredentials('http://127.0.0.1:1', token).filter(
				(c) => c.type === 'httpHeaderAuth',
			),
			workflows: [receiver, shipped(RELAY_ID)],
			publish: [RECEIVER_ID, RELAY_ID],
		});
	}, 180_000);

	afterAll(async () => {
		await n8n?.stop();
		await home?.close();
	}, 60_000);

	it("refuses calls without the right token with n8n's own plain-text 403", async () => {
		const missing = await call('heartbeat', { status: 'online' }, null);
		const wrong = await call(
			'ingress/relay',
			{ source: 'home', method: 'GET', path: '/x' },
			`Bearer ${randomSecret()}`,
		);
		for (const refused of [missing, wrong]) {
			expect(refused.status).toBe(403);
			expect(refused.type).toBe('');
			expect(refused.headers.get('www-authenticate')).toBe('Basic realm="Webhook"');
			expect(refused.json).toEqual({ text: 'Authorization data is wrong!' });
		}
		expect(home.received).toHaveLength(0);
	});

	it("answers a body that is not JSON with n8n's 422, before the token is checked", async () => {
		for (const authorization of [`Bearer ${token}`, null]) {
			const broken = await call('ingress/relay', '{"source": "home",', authorization);
			expect(broken.status).toBe(422);
			expect(broken.json).toEqual({
				code: 422,
				message: 'Failed to parse request body',
				hint: expect.stringMatching(/JSON at position 18/),
			});
		}
		expect(home.received).toHaveLength(0);
	});

	it('queues a request while home has never been seen, answering 202 with the queue id', async () => {
		const queued = await relay({
			source: 'home',
			method: 'POST',
			path: '/api/hook',
			body: '{"a":1}',
			idempotencyKey: 'k-1',
		});
		expect(queued.status).toBe(202);
		expect(queued.json).toEqual({ queued: true, id: expect.any(Number) });
		expect(home.received).toHaveLength(0);
	});

	it('records a heartbeat and answers {source, status, lastSeen}', async () => {
		for (const source of ['lab', 'lab-busy']) {
			const beat = await call('heartbeat', { status: 'online', source });
			expect(beat.status).toBe(200);
			expect(beat.json).toMatchObject({ source, status: 'online' });
			expect(Number.isNaN(Date.parse(String(beat.json.lastSeen)))).toBe(false);
		}
	});

	it('answers a heartbeat it refuses with JSON and the status of the error kind', async () => {
		const badStatus = await call('heartbeat', { status: 'up and running', source: 'lab' });
		expect(badStatus.status).toBe(400);
		expect(badStatus.json).toEqual({
			error: expect.stringMatching(/^Invalid Status/),
			errorKind: 'input',
		});
		const bigMetadata = await call('heartbeat', {
			status: 'online',
			source: 'lab',
			metadata: { blob: 'm'.repeat(20_000) },
		});
		expect(bigMetadata.status).toBe(413);
		expect(bigMetadata.json).toEqual({
			error: expect.stringMatching(/^Invalid Metadata/),
			errorKind: 'tooLarge',
		});
	});

	it("forwards to home once it is online: 200 {delivered: true, status} for home's 2xx", async () => {
		const delivered = await relay({ source: 'lab', method: 'GET', path: '/status/204?x=1' });
		expect(delivered.status).toBe(200);
		expect(delivered.json).toEqual({ delivered: true, status: 204 });
		expect(home.received.map((request) => request.path)).toEqual(['/status/204?x=1']);
	});

	it('sends a repeated idempotency key once, answering the first outcome with duplicate: true', async () => {
		const request = { source: 'lab', method: 'POST', path: '/orders', idempotencyKey: 'order-7' };
		expect((await relay({ ...request, body: { n: 1 } })).json).toEqual({
			delivered: true,
			status: 200,
		});
		const repeat = await relay({ ...request, body: { n: 2 } });
		expect(repeat.status).toBe(200);
		expect(repeat.json).toEqual({ delivered: true, status: 200, duplicate: true });
		expect(keysReceived().filter((key) => key === 'order-7')).toHaveLength(1);
	});

	it("reports home's 501 as final: 502 {delivered: false, status: 501, queued: false}, never retried", async () => {
		const request = { source: 'lab', method: 'PATCH', path: '/status/501', idempotencyKey: 'n-1' };
		const refused = await relay(request);
		expect(refused.status).toBe(502);
		expect(refused.json).toEqual({ delivered: false, status: 501, queued: false });
		const repeat = await relay(request);
		expect(repeat.status).toBe(502);
		expect(repeat.json).toEqual({ delivered: false, status: 501, queued: false, duplicate: true });
		expect(keysReceived().filter((key) => key === 'n-1')).toHaveLength(1);
		// Nothing of it is queued: the next request of the source goes straight home.
		expect((await relay({ source: 'lab', method: 'GET', path: '/after' })).json).toEqual({
			delivered: true,
			status: 200,
		});
	});

	it("queues home's 503 for retry: 202 {queued: true, id, delivered: false, status: 503}, later requests behind it", async () => {
		const busy = await relay({ source: 'lab-busy', method: 'POST', path: '/status/503' });
		expect(busy.status).toBe(202);
		expect(busy.json).toEqual({
			queued: true,
			id: expect.any(Number),
			delivered: false,
			status: 503,
		});
		const hits = home.received.length;
		const behind = await relay({ source: 'lab-busy', method: 'POST', path: '/next' });
		expect(behind.status).toBe(202);
		expect(behind.json).toEqual({ queued: true, id: expect.any(Number) });
		expect(Number(behind.json.id)).toBeGreaterThan(Number(busy.json.id));
		expect(home.received).toHaveLength(hits);
	});

	it('answers 413 {error} for a body over the Max Body Size (1 MB) and sends nothing home', async () => {
		const hits = home.received.length;
		const oversize = await relay({
			source: 'lab',
			method: 'POST',
			path: '/upload',
			body: 'x'.repeat(2 * 1024 * 1024),
		});
		expect(oversize.status).toBe(413);
		expect(oversize.json).toEqual({
			error: expect.stringMatching(
				/^Invalid Body: 2097152 bytes is more than the limit of 1048576/,
			),
			errorKind: 'tooLarge',
		});
		expect(home.received).toHaveLength(hits);
	});

	// Documented in docs/heartbeat.md: n8n reads the body before any workflow runs, and answers a 500 for it.
	it("leaves a request over n8n's N8N_PAYLOAD_SIZE_MAX (16 MiB) to n8n, which refuses it before the workflow", async () => {
		const hits = home.received.length;
		const tooBig = await relay({
			source: 'lab',
			method: 'POST',
			path: '/upload',
			body: 'x'.repeat(17 * 1024 * 1024),
		});
		expect(tooBig.status).toBe(500);
		expect(tooBig.json).toEqual({
			code: 0,
			message: 'There was a problem executing the workflow',
		});
		expect(home.received).toHaveLength(hits);
	});

	it.each([
		['a path that climbs out', { source: 'lab', method: 'GET', path: '/../etc/passwd' }],
		['an absolute URL as path', { source: 'lab', method: 'GET', path: 'http://elsewhere.test/' }],
		['a method outside the allow-list', { source: 'lab', method: 'CONNECT', path: '/x' }],
		['a missing source', { method: 'GET', path: '/x' }],
	])('answers 400 {error} for %s and sends nothing home', async (_case, payload) => {
		const hits = home.received.length;
		const refused = await relay(payload);
		expect(refused.status).toBe(400);
		expect(refused.json).toEqual({ error: expect.stringMatching(/^Invalid /), errorKind: 'input' });
		expect(home.received).toHaveLength(hits);
	});
});
