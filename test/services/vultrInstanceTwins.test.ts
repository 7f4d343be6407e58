/**
 * The Vultr simulator with VPS twins behind its instances: Vultr Instance creates an instance, the
 * simulator boots a twin with the instance's cloud-init applied, `main_ip` is the twin's address, and
 * SSH Setup logs in with the account's SSH key, pinned to the fingerprint Create output. Deleting the
 * instance stops the twin. Everything about the twin is read through nsenter, not through the nodes.
 */
import { connect } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { createVultrSimulator, VULTR_API_KEY, type VultrSimulator } from '../simulators/vultr';
import { runNode } from '../support/engine';
import { describeWithServer } from '../support/servers';
import { readableKeyPair } from '../support/sshKeys';
import { vultrTwins, type VultrTwins } from '../support/twin/vultrTwins';

function sshAnswers(host: string): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect({ host, port: 22, timeout: 2_000 });
		socket.once('data', () => (socket.destroy(), resolve(true)));
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => (socket.destroy(), resolve(false)));
	});
}

describeWithServer('twin', 'Vultr simulator instances backed by VPS twins', () => {
	let sim: VultrSimulator;
	let lab: VultrTwins;
	const userKey = readableKeyPair();
	const vultr = () => ({ vultrApi: { apiKey: VULTR_API_KEY, baseUrl: sim.url } });
	let created: IDataObject;

	beforeAll(async () => {
		lab = vultrTwins();
		sim = createVultrSimulator({ bootMs: 2_000, backing: lab.backing });
		await sim.listen();
		const key = await runNode(
			'vultrInstance',
			{ resource: 'sshKey', operation: 'ensure', name: 'admin', publicKey: userKey.public },
			{ credentials: vultr() },
		);
		if (key.error) throw key.error;
		const result = await runNode(
			'vultrInstance',
			{
				resource: 'instance',
				operation: 'create',
				region: 'fra',
				planType: 'vhf',
				plan: 'vhf-1c-1gb',
				osId: 2284,
				label: 'edge-twin',
				hostname: 'edge-twin.example.com',
				userDataMode: 'cloudInit',
				pinHostKey: true,
				waitForReady: true,
				readiness: { minimumBootSeconds: 0, timeoutSeconds: 120 },
				additionalFields: { sshKeyIds: String(key.json[0].id) },
			},
			{ credentials: vultr() },
		);
		if (result.error) throw result.error;
		created = result.json[0];
	}, 180_000);

	afterAll(async () => {
		await sim?.close();
	}, 60_000);

	it("reports the twin's address as main_ip once the twin is up", () => {
		expect(created.status).toBe('active');
		const twin = lab.twins.get(String(created.id));
		expect(twin).toBeDefined();
		expect(created.mainIp).toBe(twin!.address);
		expect(String(created.mainIp)).toMatch(/^198\.1[89]\./);
	});

	it('applied the user data as cloud-init would: pinned host key, hostname, root keys', () => {
		const twin = lab.twins.get(String(created.id))!;
		const served = twin.exec('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
		expect(served.stdout.split(/\s+/)[1]).toBe(created.hostKeyFingerprint);
		// ssh_deletekeys: only the pinned key is left for sshd to serve.
		expect(twin.exec('ls /etc/ssh | grep ^ssh_host_').stdout.trim().split('\n')).toEqual([
			'ssh_host_ed25519_key',
			'ssh_host_ed25519_key.pub',
		]);
		expect(twin.exec('hostname').stdout.trim()).toBe('edge-twin.example.com');
		expect(twin.exec('cat /root/.ssh/authorized_keys').stdout.trim()).toBe(userKey.public);
	});

	it('SSH Setup logs in with the account key, pinned to the fingerprint Create output', async () => {
		const credentials = {
			homelabSshApi: {
				host: '192.0.2.1',
				port: 22,
				username: 'root',
				privateKey: userKey.private,
				hostKeyFingerprint: '',
			},
		};
		const facts = await runNode(
			'sshSetup',
			{
				operation: 'facts',
				connection: {
					host: String(created.mainIp),
					hostKeyFingerprint: String(created.hostKeyFingerprint),
				},
			},
			{ credentials },
		);
		expect(facts.error).toBeUndefined();
		expect(facts.json[0].hostKeyFingerprint).toBe(created.hostKeyFingerprint);
	}, 60_000);

	it('stops the twin when the instance is deleted', async () => {
		const id = String(created.id);
		const twin = lab.twins.get(id)!;
		const deleted = await runNode(
			'vultrInstance',
			{ resource: 'instance', operation: 'delete', instanceId: id },
			{ credentials: vultr() },
		);
		expect(deleted.error).toBeUndefined();
		expect(lab.twins.has(id)).toBe(false);
		expect(await sshAnswers(twin.address)).toBe(false);
		expect(sim.state.instances.has(id)).toBe(false);
		expect(sim.violations).toEqual([]);
	}, 60_000);
});
