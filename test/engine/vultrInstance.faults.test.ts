import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../support/engine';
import { describeWithSpecs, expectConformance } from '../simulators/core/jest';
import {
	createVultrSimulator,
	VULTR_API_KEY,
	VULTR_SPEC,
	type VultrSimulator,
} from '../simulators/vultr';

const CREATE = {
	resource: 'instance',
	operation: 'create',
	region: 'fra',
	planType: 'vhf',
	plan: 'vhf-1c-1gb',
	osId: 2284,
	label: 'edge-1',
	hostname: 'edge.example.com',
	userDataMode: 'cloudInit',
	pinHostKey: true,
};

describeWithSpecs([VULTR_SPEC], 'Vultr Instance node under faults and bad input', () => {
	let sim: VultrSimulator;
	const vultr = (parameters: IDataObject) =>
		runNode('vultrInstance', parameters, {
			credentials: { vultrApi: { apiKey: VULTR_API_KEY, baseUrl: sim.url } },
		});
	const posts = () => sim.log.filter((r) => r.method === 'POST' && r.path === '/instances');

	beforeEach(async () => {
		sim = createVultrSimulator({ bootMs: 1_500 });
		await sim.listen();
	});
	afterEach(async () => {
		expectConformance(sim);
		await sim.close();
	});

	it('a 429 storm and intermittent 5xx during Create + Wait still yield exactly one instance', async () => {
		sim.faults.add({ action: { kind: 'status', status: 429, retryAfterSeconds: 1 }, times: 4 });
		sim.faults.add({ action: { kind: 'status', status: 503 }, every: 3, times: 6 });
		const result = await vultr({
			...CREATE,
			waitForReady: true,
			readiness: { minimumBootSeconds: 0, timeoutSeconds: 60 },
		});
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({ label: 'edge-1', ready: true, existing: false });
		expect(sim.state.instances.size).toBe(1);
		const statuses = sim.log.map((r) => r.status);
		expect(statuses.filter((s) => s === 429)).toHaveLength(4);
		expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
		// After each 429 the next request waited for Retry-After (1 s).
		const firstRetry = sim.log.findIndex((r) => r.status !== 429);
		expect(sim.log[firstRetry].at - sim.log[firstRetry - 1].at).toBeGreaterThanOrEqual(900);
	});

	it('a 5xx on the create POST is resolved by looking the instance up, not by a blind retry', async () => {
		sim.faults.add({
			method: 'POST',
			path: /^\/instances$/,
			action: { kind: 'status', status: 500 },
			times: 1,
		});
		const result = await vultr(CREATE);
		expect(result.error).toBeUndefined();
		expect(sim.state.instances.size).toBe(1);
		const order = sim.log.map((r) => `${r.method} ${r.path} ${r.status}`);
		const failed = order.indexOf('POST /instances 500');
		expect(order[failed + 1]).toBe('GET /instances 200');
		expect(posts()).toHaveLength(2);
	});

	it('a dropped connection after Vultr accepted the Create does not buy a second instance', async () => {
		sim.faults.add({
			method: 'POST',
			path: /^\/instances$/,
			action: { kind: 'drop', when: 'after' },
			times: 1,
		});
		const result = await vultr(CREATE);
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({
			label: 'edge-1',
			existing: false,
			recoveredAfterLostResponse: true,
		});
		expect(result.json[0].hostKeyFingerprint).toMatch(/^SHA256:/);
		expect(sim.state.instances.size).toBe(1);
		expect(posts()).toHaveLength(1);
		const order = sim.log.map((r) => `${r.method} ${r.path}`);
		expect(order[order.indexOf('POST /instances') + 1]).toBe('GET /instances');

		const rerun = await vultr(CREATE);
		expect(rerun.json[0]).toMatchObject({ existing: true });
		expect(sim.state.instances.size).toBe(1);
	});

	it('a connection that keeps dropping before Vultr sees the POST ends in a clear error, nothing bought, no secret leaked', async () => {
		sim.faults.add({
			method: 'POST',
			path: /^\/instances$/,
			action: { kind: 'drop', when: 'before' },
		});
		const result = await vultr(CREATE);
		expect(result.error?.message).toContain('did not confirm creating "edge-1"');
		expect(sim.state.instances.size).toBe(0);
		expect(posts()).toHaveLength(3);
		const userData = String((posts()[0].body as IDataObject).user_data);
		const leaked = JSON.stringify({
			message: result.error?.message,
			description: result.error?.description,
			json: result.json,
		});
		expect(leaked).not.toContain(userData.slice(0, 40));
		expect(leaked).not.toMatch(/PRIVATE KEY/);
	});

	it('a plan the region does not offer fails naming the field, with no mutating request', async () => {
		const result = await vultr({ ...CREATE, region: 'sgp', plan: 'vhf-2c-4gb' });
		expect(result.error?.message).toMatch(
			/^Invalid Plan: "vhf-2c-4gb" is not available in region "sgp"/,
		);
		expect(sim.mutatingRequests()).toEqual([]);
	});

	it.each([
		['Region', { region: 'Frankfurt' }],
		['Plan', { plan: 'vhf 1c' }],
		['Label', { label: 'bad\nlabel' }],
		['Label', { label: '   ' }],
		['Tags', { additionalFields: { tags: 'ok, not ok!' } }],
		['Hostname', { hostname: 'under_score.example.com' }],
		['SSH Key IDs', { additionalFields: { sshKeyIds: 'not-a-uuid' } }],
		['Firewall Group ID', { additionalFields: { firewallGroupId: 'zz' } }],
		['Packages', { packages: 'curl; rm -rf /' }],
		['Timeout (Seconds)', { waitForReady: true, readiness: { timeoutSeconds: -5 } }],
	])('bad %s fails naming the field and sends nothing', async (field, override) => {
		const result = await vultr({ ...CREATE, ...override });
		expect(result.error?.message).toContain(`Invalid ${field}:`);
		expect(sim.log).toEqual([]);
	});

	it.each([
		['Rules[1].Sources', { protocol: 'tcp', port: '22', sources: '203.0.113.0/33' }],
		['Rules[1].Sources', { protocol: 'tcp', port: '22', sources: 'example.com' }],
		['Rules[1].Port', { protocol: 'tcp', port: '70000', sources: '' }],
		['Rules[1].Port', { protocol: 'udp', port: '', sources: '' }],
	])('bad firewall %s fails naming the field and sends nothing', async (field, rule) => {
		const result = await vultr({
			resource: 'firewall',
			operation: 'ensure',
			groupName: 'ingress',
			rules: { rule: [rule] },
		});
		expect(result.error?.message).toContain(`Invalid ${field}:`);
		expect(sim.log).toEqual([]);
	});
});
