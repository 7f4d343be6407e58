/**
 * The exported heartbeat receiver and offline relay workflows in a real n8n (the packed package installed
 * as a community package, embedded store in n8n's user folder), called over HTTP; a loopback server
 * plays home.
 */
import {
	randomSecret,
	routeCredentials,
	shippedWorkflows,
	type WorkflowJson,
} from '../../scripts/n8n-instance';
import { startUpstream, type Upstream } from '../support/http';
import { describeWithN8n, startTestN8n, type TestN8n } from '../support/n8n';

jest.setTimeout(30_000);

const RECEIVER_ID = 'hliHeartbeatRecv1';
const RELAY_ID = 'hliOfflineRelay01';

function shipped(id: string): WorkflowJson {
	const workflow = shippedWorkflows().find((candidate) => candidate.id === id);
	if (!workflow) throw new Error(`workflows/ has no workflow with id ${id}`);
	return structuredClone(workflow);
}

describeWithN8n('heartbeat receiver and offline relay workflows in a real n8n', () => {
	const token = randomSecret();
	let home: Upstream;
	let n8n: TestN8n;

	/** `authorization: null` sends no Authorization header at all. */
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
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(20_000),
		});
		const text = await response.text();
		// n8n answers a refused authentication with plain text ("Authorization data is wrong!")
		const json = response.headers.get('content-type')?.includes('json')
			? (JSON.parse(text) as Record<string, unknown>)
			: { text };
		return { status: response.status, json };
	};

	beforeAll(async () => {
		home = await startUpstream('home');
		const receiver = shipped(RECEIVER_ID);
		// What the user fills in after import: where home answers (here a loopback server).
		const recordBeat = receiver.nodes.find((node) => node.name === 'Record Beat');
		expect(recordBeat?.parameters.baseUrl).toMatch(/^http:\/\/100\./);
		recordBeat!.parameters.baseUrl = `http://127.0.0.1:${home.port}`;
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

	it('refuses heartbeats and relay requests without the token', async () => {
		expect((await call('heartbeat', { status: 'online' }, null)).status).toBe(403);
		expect(
			(
				await call(
					'ingress/relay',
					{ source: 'home', method: 'GET', path: '/x' },
					`Bearer ${randomSecret()}`,
				)
			).status,
		).toBe(403);
		expect(home.hits).toBe(0);
	});

	it('queues a request while home has never been seen, answering 202 with the queue id', async () => {
		const queued = await call('ingress/relay', {
			source: 'home',
			method: 'POST',
			path: '/api/hook',
			body: '{"a":1}',
			idempotencyKey: 'k-1',
		});
		expect(queued.status).toBe(202);
		expect(queued.json).toEqual({ queued: true, id: expect.anything() });
		expect(home.hits).toBe(0);
	});

	it('records a heartbeat and answers {source, status, lastSeen}', async () => {
		const beat = await call('heartbeat', { status: 'online', source: 'lab' });
		expect(beat.status).toBe(200);
		expect(beat.json).toMatchObject({ source: 'lab', status: 'online' });
		expect(Number.isNaN(Date.parse(String(beat.json.lastSeen)))).toBe(false);
	});

	it("forwards to home once it is online, answering 200 with home's status", async () => {
		const delivered = await call('ingress/relay', {
			source: 'lab',
			method: 'GET',
			path: '/status?x=1',
		});
		expect(delivered.status).toBe(200);
		expect(delivered.json).toEqual({ delivered: true, status: 200 });
		expect(home.hits).toBe(1);
	});

	it.each([
		['a path that climbs out', { source: 'lab', method: 'GET', path: '/../etc/passwd' }],
		['an absolute URL as path', { source: 'lab', method: 'GET', path: 'http://elsewhere.test/' }],
		['a method outside the allow-list', { source: 'lab', method: 'CONNECT', path: '/x' }],
		['a missing source', { method: 'GET', path: '/x' }],
	])('answers 400 {error} for %s and sends nothing home', async (_case, payload) => {
		const hits = home.hits;
		const refused = await call('ingress/relay', payload);
		expect(refused.status).toBe(400);
		expect(refused.json).toEqual({ error: expect.stringMatching(/^Invalid /) });
		expect(home.hits).toBe(hits);
	});
});
