import type { IDataObject } from 'n8n-workflow';
import YAML from 'yaml';

import { runNode } from '../support/engine';
import { describeWithSpecs, expectConformance } from '../simulators/core/jest';
import {
	createVultrSimulator,
	VULTR_API_KEY,
	VULTR_SPEC,
	type VultrSimulator,
} from '../simulators/vultr';

const FAST = { readiness: { minimumBootSeconds: 0, timeoutSeconds: 30 } };

describeWithSpecs([VULTR_SPEC], 'Vultr Instance node against the Vultr simulator', () => {
	let sim: VultrSimulator;
	const vultr = (parameters: IDataObject, input?: IDataObject[]) =>
		runNode('vultrInstance', parameters, {
			credentials: { vultrApi: { apiKey: VULTR_API_KEY, baseUrl: sim.url } },
			input,
		});
	const create = (label: string, extra: IDataObject = {}) =>
		vultr({
			resource: 'instance',
			operation: 'create',
			region: 'fra',
			planType: 'vhf',
			plan: 'vhf-1c-1gb',
			osId: 2284,
			label,
			hostname: `${label}.example.com`,
			userDataMode: 'cloudInit',
			pinHostKey: true,
			packages: 'fail2ban',
			...extra,
		});

	beforeAll(async () => {
		sim = createVultrSimulator({ bootMs: 1_500, snapshotMs: 100 });
		await sim.listen();
	});
	afterAll(async () => await sim.close());
	afterEach(() => expectConformance(sim));

	it('creates a managed instance with a pinned host key, waits until ready, and returns the same one again', async () => {
		const first = await create('web-1', {
			waitForReady: true,
			...FAST,
			additionalFields: { tags: 'prod, edge' },
		});
		expect(first.error).toBeUndefined();
		const out = first.json[0];
		expect(out).toMatchObject({
			label: 'web-1',
			region: 'fra',
			plan: 'vhf-1c-1gb',
			ready: true,
			existing: false,
			serverStatus: 'ok',
		});
		expect(out.mainIp).toMatch(/^192\.0\.2\.\d+$/);
		expect(out.ipv6).toMatch(/^2001:db8:/);
		expect(out.tags).toEqual(expect.arrayContaining(['homelab-ingress', 'prod', 'edge']));
		expect(out.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
		expect(JSON.stringify(first.json)).not.toMatch(/PRIVATE KEY|default_password|Sim#Pass/);
		expect(first.items('Node')[0].pairedItem).toEqual({ item: 0 });

		// The user data carries the private key, whose public half has the fingerprint we output.
		const record = sim.state.instances.get(String(out.id))!;
		const userData = Buffer.from(record.userData, 'base64').toString('utf8');
		expect(userData.startsWith('#cloud-config\n')).toBe(true);
		// cloud-init reads it as YAML 1.1 (PyYAML)
		const cloudConfig = YAML.parse(userData, { version: '1.1' }) as {
			hostname: string;
			ssh_keys: { ed25519_private: string; ed25519_public: string };
		};
		expect(cloudConfig.ssh_keys.ed25519_private).toContain('-----BEGIN OPENSSH PRIVATE KEY-----');
		const publicLine = cloudConfig.ssh_keys.ed25519_public;
		expect(publicLine).toMatch(/^ssh-ed25519 \S+ web-1\.example\.com$/);
		const { createHash } = await import('node:crypto');
		const blob = Buffer.from(publicLine.split(' ')[1], 'base64');
		expect(`SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`).toBe(
			out.hostKeyFingerprint,
		);
		expect(cloudConfig.hostname).toBe('web-1.example.com');
		const postBody = sim.log.find((r) => r.method === 'POST' && r.path === '/instances')!
			.body as IDataObject;
		expect(postBody.os_id).toBe(2284);

		const again = await create('web-1');
		expect(again.json[0]).toMatchObject({
			id: out.id,
			existing: true,
			hostKeyFingerprint: out.hostKeyFingerprint,
		});
		expect(sim.state.instances.size).toBe(1);

		const failing = await create('web-1', { ifExists: 'fail' });
		expect(failing.error?.message).toContain('already exists');
		expect(sim.state.instances.size).toBe(1);
	});

	it('gets, lists through every page, powers and deletes instances', async () => {
		for (let n = 0; n < 3; n++)
			await create(`page-${n}`, {
				userDataMode: 'none',
				region: 'ewr',
				plan: 'vc2-1c-1gb',
				planType: 'vc2',
			});
		const before = sim.log.length;
		const all = await vultr({
			resource: 'instance',
			operation: 'list',
			filters: { region: 'ewr' },
		});
		expect(all.json.map((i) => i.label).sort()).toEqual(['page-0', 'page-1', 'page-2']);
		expect(sim.log.length - before).toBe(1);
		const tagged = await vultr({
			resource: 'instance',
			operation: 'list',
			filters: { tag: 'homelab-ingress', label: 'page-1' },
		});
		expect(tagged.json).toHaveLength(1);
		const id = String(tagged.json[0].id);

		const got = await vultr({ resource: 'instance', operation: 'get', instanceId: id });
		expect(got.json[0]).toMatchObject({ id, label: 'page-1' });
		const halted = await vultr({ resource: 'instance', operation: 'halt', instanceId: id });
		expect(halted.json[0]).toMatchObject({ action: 'halt', done: true });
		expect(sim.state.instances.get(id)!.fields.power_status).toBe('stopped');
		await vultr({ resource: 'instance', operation: 'start', instanceId: id });
		await vultr({ resource: 'instance', operation: 'reboot', instanceId: id });
		const ready = await vultr({
			resource: 'instance',
			operation: 'waitUntilReady',
			instanceId: id,
			...FAST,
		});
		expect(ready.json[0]).toMatchObject({ id, ready: true, powerStatus: 'running' });

		const deleted = await vultr({ resource: 'instance', operation: 'delete', instanceId: id });
		expect(deleted.json[0]).toMatchObject({ id, deleted: true });
		expect(sim.state.instances.has(id)).toBe(false);
		const missing = await vultr({ resource: 'instance', operation: 'get', instanceId: id });
		expect(missing.error?.message).toContain('Invalid instance-id.');
		expect(missing.error?.httpCode).toBe('404');
	});

	it('follows cursors across pages', async () => {
		for (let n = 0; n < 3; n++)
			await create(`cursor-${n}`, {
				userDataMode: 'none',
				region: 'sgp',
				plan: 'vc2-1c-1gb',
				planType: 'vc2',
			});
		sim.state.maxPerPage = 2;
		const before = sim.log.length;
		const listed = await vultr({
			resource: 'instance',
			operation: 'list',
			filters: { region: 'sgp' },
		});
		sim.state.maxPerPage = 500;
		expect(listed.json.map((i) => i.label)).toEqual(['cursor-0', 'cursor-1', 'cursor-2']);
		const pages = sim.log.slice(before);
		expect(pages).toHaveLength(2);
		expect(new URLSearchParams(pages[1].query).get('cursor')).toBeTruthy();
	});

	it('fills the dropdowns from the API and lists regions, plans and operating systems', async () => {
		const plans = await vultr({
			resource: 'plan',
			operation: 'list',
			filters: { type: 'vhf', region: 'ams' },
		});
		expect(plans.json.map((p) => p.id)).toEqual(['vhf-1c-1gb']);
		expect(plans.json[0]).toMatchObject({
			monthlyCost: 6,
			vcpu: 1,
			ramMb: 1024,
			diskGb: 32,
			locations: expect.arrayContaining(['ams']),
		});
		const regions = await vultr({ resource: 'region', operation: 'list' });
		expect(regions.json.map((r) => r.id)).toContain('fra');
		const systems = await vultr({ resource: 'os', operation: 'list' });
		expect(systems.json.map((o) => o.id)).toContain(2284);
	});

	it('ensures SSH keys by name, idempotently', async () => {
		const key =
			'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@laptop';
		const first = await vultr({
			resource: 'sshKey',
			operation: 'ensure',
			name: 'admin',
			publicKey: key,
		});
		expect(first.json[0]).toMatchObject({ action: 'created', changed: true });
		const second = await vultr({
			resource: 'sshKey',
			operation: 'ensure',
			name: 'admin',
			publicKey: key,
		});
		expect(second.json[0]).toMatchObject({
			id: first.json[0].id,
			action: 'unchanged',
			changed: false,
		});
		const rotated = await vultr({
			resource: 'sshKey',
			operation: 'ensure',
			name: 'admin',
			publicKey: key.replace('admin@laptop', 'admin@new'),
		});
		expect(rotated.json[0]).toMatchObject({ action: 'updated' });
		const listed = await vultr({ resource: 'sshKey', operation: 'list' });
		expect(listed.json).toHaveLength(1);
		await vultr({ resource: 'sshKey', operation: 'delete', sshKeyId: first.json[0].id });
		expect(sim.state.sshKeys.size).toBe(0);
	});

	it('ensures a firewall group declaratively: second run changes nothing, extra rules are removed', async () => {
		const rules = {
			rule: [
				{ protocol: 'tcp', port: '80', sources: '' },
				{ protocol: 'tcp', port: '443', sources: '' },
				{ protocol: 'udp', port: '41641', sources: '' },
				{ protocol: 'udp', port: '51820', sources: '' },
				{ protocol: 'tcp', port: '22', sources: '203.0.113.0/24' },
			],
		};
		const first = await vultr({
			resource: 'firewall',
			operation: 'ensure',
			groupName: 'ingress',
			rules,
		});
		expect(first.json[0]).toMatchObject({ createdGroup: true, changed: true, managed: true });
		expect(first.json[0].added).toHaveLength(9);
		const groupId = String(first.json[0].groupId);

		const mutationsBefore = sim.mutatingRequests().length;
		const second = await vultr({
			resource: 'firewall',
			operation: 'ensure',
			groupName: 'ingress',
			rules,
		});
		expect(second.json[0]).toMatchObject({
			groupId,
			changed: false,
			unchanged: 9,
			added: [],
			removed: [],
		});
		expect(sim.mutatingRequests().length).toBe(mutationsBefore);

		const narrowed = await vultr({
			resource: 'firewall',
			operation: 'ensure',
			groupName: 'ingress',
			rules: { rule: rules.rule.slice(1) },
		});
		expect(narrowed.json[0].removed).toEqual(['v4|tcp|80|0.0.0.0|0', 'v6|tcp|80|::|0']);
		expect(sim.state.firewallGroups.get(groupId)!.rules).toHaveLength(7);

		// An unmanaged group, adopted: rules are added, never removed.
		sim.state.firewallGroups.set('abcdef01', {
			group: {
				id: 'abcdef01',
				description: 'hand made',
				date_created: '',
				date_modified: '',
				instance_count: 0,
				rule_count: 1,
				max_rule_count: 50,
			},
			rules: [
				{
					id: 1,
					type: 'v4',
					ip_type: 'v4',
					action: 'accept',
					protocol: 'tcp',
					port: '8080',
					subnet: '0.0.0.0',
					subnet_size: 0,
					source: '',
					notes: '',
				},
			],
			nextRuleId: 2,
		});
		const adopted = await vultr({
			resource: 'firewall',
			operation: 'ensure',
			groupName: 'x',
			adoptGroupId: 'abcdef01',
			rules: { rule: [rules.rule[1]] },
		});
		expect(adopted.json[0]).toMatchObject({ managed: false, removed: [] });
		expect(sim.state.firewallGroups.get('abcdef01')!.rules).toHaveLength(3);
		const refused = await vultr({ resource: 'firewall', operation: 'delete', groupId: 'abcdef01' });
		expect(refused.error?.message).toContain('not managed');
		expect(
			(await vultr({ resource: 'firewall', operation: 'delete', groupId })).json[0],
		).toMatchObject({ deleted: true });
	});

	it('creates, lists and prunes snapshots, keeping the newest N with the prefix', async () => {
		const made = await create('snap-src', { userDataMode: 'none' });
		const instanceId = String(made.json[0].id);
		const ids: string[] = [];
		for (const description of ['backup-1', 'backup-2', 'other-1', 'backup-3']) {
			const snap = await vultr({
				resource: 'snapshot',
				operation: 'create',
				instanceId,
				description,
			});
			ids.push(String(snap.json[0].id));
		}
		const listed = await vultr({ resource: 'snapshot', operation: 'list', prefix: 'backup-' });
		expect(listed.json).toHaveLength(3);
		const dry = await vultr({
			resource: 'snapshot',
			operation: 'prune',
			prefix: 'backup-',
			keep: 1,
			dryRun: true,
		});
		expect((dry.json[0].deleted as IDataObject[]).map((s) => s.description)).toEqual([
			'backup-2',
			'backup-1',
		]);
		expect(sim.state.snapshots.size).toBe(4);
		await vultr({ resource: 'snapshot', operation: 'prune', prefix: 'backup-', keep: 1 });
		expect([...sim.state.snapshots.values()].map((s) => s.snapshot.description).sort()).toEqual([
			'backup-3',
			'other-1',
		]);
		await vultr({ resource: 'snapshot', operation: 'delete', snapshotId: ids[2] });
		expect(sim.state.snapshots.size).toBe(1);
	});

	it('turns Vultr errors into NodeApiError with status and message, and honours continueOnFail', async () => {
		const bad = await runNode(
			'vultrInstance',
			{ resource: 'instance', operation: 'list' },
			{ credentials: { vultrApi: { apiKey: 'wrong', baseUrl: sim.url } } },
		);
		expect(bad.error?.message).toBe('Vultr: Invalid API token.');
		expect(bad.error?.httpCode).toBe('401');
		const soft = await runNode(
			'vultrInstance',
			{
				resource: 'instance',
				operation: 'get',
				instanceId: '00000000-0000-4000-8000-000000000000',
			},
			{
				credentials: { vultrApi: { apiKey: VULTR_API_KEY, baseUrl: sim.url } },
				onError: 'continueRegularOutput',
				input: [{}, {}],
			},
		);
		expect(soft.json).toHaveLength(2);
		expect(soft.json[0].error).toContain('Invalid instance-id.');
	});
});
