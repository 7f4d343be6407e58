/**
 * The host key Vultr Instance pins, end to end: the node creates an instance on the Vultr simulator,
 * the twin's rootfs gets the keys as cloud-init's `ssh_deletekeys` + `ssh_keys` would leave them, and
 * the real sshd of the twin serves it. ssh-keygen in the twin and SSH Setup's pinned connection must
 * see exactly the fingerprint the Vultr node output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { createVultrSimulator, VULTR_API_KEY, type VultrSimulator } from '../simulators/vultr';
import { runNode } from '../support/engine';
import { describeWithServer } from '../support/servers';
import { startTwin, twinCredentials, type Twin } from '../support/twin';
import { applyCloudInit, parseUserData } from '../support/twin/cloudInit';

describeWithServer('twin', 'A host key pinned by Vultr Instance, served by the twin', () => {
	let sim: VultrSimulator;
	let twin: Twin;
	let pinned: string;

	beforeAll(async () => {
		sim = createVultrSimulator({ bootMs: 0 });
		await sim.listen();
		const created = await runNode(
			'vultrInstance',
			{
				resource: 'instance',
				operation: 'create',
				region: 'fra',
				planType: 'vhf',
				plan: 'vhf-1c-1gb',
				osId: 2284,
				label: 'twin-edge',
				hostname: 'twin-edge.example.com',
				userDataMode: 'cloudInit',
				pinHostKey: true,
			},
			{ credentials: { vultrApi: { apiKey: VULTR_API_KEY, baseUrl: sim.url } } },
		);
		if (created.error) throw created.error;
		pinned = String(created.json[0].hostKeyFingerprint);
		const config = parseUserData(sim.state.instances.get(String(created.json[0].id))!.userData);
		twin = await startTwin({
			// cloud-init's first boot, keeping the test's own key authorized for root.
			prepare: (rootfs) =>
				applyCloudInit(rootfs, config, [
					readFileSync(join(rootfs, 'root/hli-test-key.pub'), 'utf8'),
				]),
		});
	}, 120_000);

	afterAll(async () => {
		await twin?.stop();
		await sim?.close();
	}, 60_000);

	it('ssh-keygen in the twin prints the fingerprint the node output', () => {
		for (const file of ['ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub']) {
			const printed = twin.exec(`ssh-keygen -l -E sha256 -f /etc/ssh/${file}`);
			expect(printed.code).toBe(0);
			expect(printed.stdout.split(/\s+/)[1]).toBe(pinned);
		}
		// The twin's own key (generated before ours replaced it) is not what sshd serves.
		expect(twin.fingerprint).not.toBe(pinned);
	});

	it('sshd serves it: SSH Setup connects pinned to it and refuses the replaced key', async () => {
		const credentials = (fingerprint: string) => ({
			homelabSshApi: { ...twinCredentials(twin).homelabSshApi, hostKeyFingerprint: fingerprint },
		});
		const facts = await runNode(
			'sshSetup',
			{ operation: 'facts' },
			{ credentials: credentials(pinned) },
		);
		expect(facts.error).toBeUndefined();
		expect((facts.json[0] as IDataObject).hostKeyFingerprint).toBe(pinned);

		const stale = await runNode(
			'sshSetup',
			{ operation: 'facts' },
			{ credentials: credentials(twin.fingerprint) },
		);
		expect(stale.error?.message).toContain(`the server presented ${pinned}`);
	});
});
