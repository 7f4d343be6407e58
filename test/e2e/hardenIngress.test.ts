/**
 * workflows/harden-ingress.json in a real n8n against the VPS twin: a fresh twin drifts from the baseline
 * and is hardened when the run says `reapply`; a clean run sends nothing; PasswordAuthentication changed on
 * the twin by hand is reported to ntfy (a loopback recorder) and, only when enabled, re-applied. The
 * schedule is off in the test's copy; a test-only workflow calls it the way another workflow would.
 */
import { randomSecret, shippedWorkflows, type WorkflowJson } from '../../scripts/n8n-instance';
import { describeWithN8n, startTestN8n, type TestN8n } from '../support/n8n';
import { callerWorkflow } from '../support/n8nCaller';
import { startNtfy, type Ntfy } from '../support/ntfy';
import { describeWithServer } from '../support/servers';
import { startTwin, twinSshCredentialSeed, type Twin } from '../support/twin';

jest.setTimeout(180_000);

const HARDEN_ID = 'hliHardenIngres01';
const CALLER_ID = 'hliTestHardenCall';
const DROP_IN = '/etc/ssh/sshd_config.d/01-homelab-hardening.conf';

function labCopy(ntfyUrl: string, sshAllowedFrom: string): WorkflowJson {
	const shipped = shippedWorkflows().find((workflow) => workflow.id === HARDEN_ID);
	if (!shipped) throw new Error(`workflows/ has no workflow with id ${HARDEN_ID}`);
	const copy = structuredClone(shipped);
	for (const node of copy.nodes.filter((n) => n.type === 'n8n-nodes-base.scheduleTrigger'))
		Object.assign(node, { disabled: true });
	const settings = copy.nodes.find((node) => node.name === 'Harden Settings')!;
	const assignments = (
		settings.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }
	).assignments;
	for (const assignment of assignments) {
		if (assignment.name === 'ntfyUrl') assignment.value = ntfyUrl;
		if (assignment.name === 'sshAllowedFrom') assignment.value = sshAllowedFrom;
	}
	return copy;
}

describeWithN8n('harden-ingress in a real n8n', () => {
	describeWithServer('twin', 'against a VPS twin', () => {
		const token = randomSecret();
		let twin: Twin;
		let ntfy: Ntfy;
		let n8n: TestN8n;

		const check = async (body: object) => {
			const response = await fetch(`${n8n.baseUrl}/webhook/test/harden`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
				body: JSON.stringify(body),
				signal: AbortSignal.timeout(170_000),
			});
			expect(response.status).toBe(200);
		};
		const titles = (from: number) =>
			ntfy.received.slice(from).map((message) => String(message.headers['x-title']));
		const passwordAuthentication = () =>
			/^passwordauthentication (\w+)$/m.exec(twin.exec('sshd -T').stdout)?.[1];

		beforeAll(async () => {
			[twin, ntfy] = await Promise.all([startTwin(), startNtfy('drift')]);
			n8n = await startTestN8n({
				credentials: [
					{
						id: 'hliTestHook01',
						name: 'Test webhook token',
						type: 'httpHeaderAuth',
						data: { name: 'Authorization', value: `Bearer ${token}` },
					},
					twinSshCredentialSeed(twin),
				],
				workflows: [
					labCopy(ntfy.url, `${twin.hostAddress}/32`),
					callerWorkflow(
						CALLER_ID,
						{ harden: HARDEN_ID },
						{ id: 'hliTestHook01', name: 'Test webhook token' },
					),
				],
				publish: [HARDEN_ID, CALLER_ID],
			});
		}, 300_000);

		afterAll(async () => {
			await n8n?.stop();
			await ntfy?.close();
			await twin?.stop();
		}, 90_000);

		it('reports a fresh server’s drift and hardens it when the run says reapply', async () => {
			await check({ reapply: true });
			expect(titles(0)).toEqual([
				expect.stringMatching(/^Hardening drift on the ingress VPS: .*sshd-02/),
				'Hardening re-applied on the ingress VPS',
			]);
			expect(passwordAuthentication()).toBe('no');
			expect(twin.exec('ufw status').stdout).toMatch(/Status: active/);
		});

		it('sends nothing when the baseline holds', async () => {
			const before = ntfy.received.length;
			await check({});
			expect(titles(before)).toEqual([]);
		});

		it('reports PasswordAuthentication changed by hand, and leaves it when reapply is off', async () => {
			twin.exec(
				`sed -i 's/^PasswordAuthentication no$/PasswordAuthentication yes/' ${DROP_IN} && systemctl reload ssh`,
			);
			expect(passwordAuthentication()).toBe('yes');
			const before = ntfy.received.length;
			await check({});
			expect(titles(before)).toEqual(['Hardening drift on the ingress VPS: sshd-02']);
			expect(ntfy.received.at(-1)!.body).toMatch(/^Failed controls: sshd-02 .*reapply is off/);
			expect(passwordAuthentication()).toBe('yes');
		});

		it('re-applies Harden on drift when enabled, and says what it changed', async () => {
			const before = ntfy.received.length;
			await check({ reapply: true });
			expect(titles(before)).toEqual([
				'Hardening drift on the ingress VPS: sshd-02',
				'Hardening re-applied on the ingress VPS',
			]);
			expect(ntfy.received.at(-1)!.body).toMatch(/^Changed steps: sshd\. Baseline now passes\.$/);
			expect(passwordAuthentication()).toBe('no');
		});
	});
});
