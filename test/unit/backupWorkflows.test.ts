/**
 * The shipped backup and restore workflows as files: what each schedule backs up, that SSH Setup's
 * parameters exist in its description, the credentials they name, and that failures branch on
 * `details.errorKind` (the end-to-end test runs them in a real n8n).
 */
import { shippedWorkflows, type WorkflowJson } from '../../scripts/n8n-instance';
import { SshSetup } from '../../nodes/SshSetup/SshSetup.node';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- node JSON is checked field by field
type Node = Record<string, any>;

const workflow = (id: string): WorkflowJson => {
	const found = shippedWorkflows().find((w) => w.id === id);
	if (!found) throw new Error(`no workflow ${id}`);
	return found;
};
const node = (w: WorkflowJson, name: string): Node => {
	const found = w.nodes.find((n) => n.name === name);
	if (!found) throw new Error(`${w.name} has no node ${name}`);
	return found as Node;
};
/** Names of the nodes an output of `from` leads to. */
const next = (w: WorkflowJson, from: string, output = 0): string[] =>
	(
		(w.connections as Record<string, { main: Array<Array<{ node: string }>> }>)[from]?.main[
			output
		] ?? []
	).map((c) => c.node);
/** A Set node's assignments as name → value. */
const settings = (n: Node): Record<string, unknown> =>
	Object.fromEntries(
		(
			n.parameters.assignments.assignments as Array<{ name: string; value: unknown; type: string }>
		).map((a) => [a.name, a.type === 'array' ? JSON.parse(String(a.value)) : a.value]),
	);

const SSH_SETUP_PARAMETERS = new Set(new SshSetup().description.properties.map((p) => p.name));

describe('backup-ingress.json', () => {
	const w = workflow('hliBackupIngres01');

	it.each([
		['Every Hour', { field: 'hours', hoursInterval: 1 }, 'Hourly Sets', ['headscale'], false],
		['Every Day', { field: 'days', daysInterval: 1 }, 'Daily Sets', ['caddy', 'system'], false],
		['Every Week', { field: 'weeks', weeksInterval: 1 }, 'Weekly Check', [], true],
	])('%s runs %s with its settings', (trigger, rule, settingsNode, sets, check) => {
		expect(node(w, trigger).parameters.rule.interval[0]).toMatchObject(rule);
		expect(next(w, trigger)).toEqual([settingsNode]);
		expect(settings(node(w, settingsNode))).toMatchObject({ sets, check });
		expect(next(w, settingsNode)).toEqual(['Back Up']);
	});

	it('backs up in the restic mode with retention, and notifies ntfy with the error kind on failure', () => {
		const backUp = node(w, 'Back Up');
		expect(backUp.type).toBe('n8n-nodes-homelab-ingress.sshSetup');
		expect(backUp.parameters).toMatchObject({
			operation: 'backup',
			backupMode: 'repository',
			backupSets: '={{ $json.sets }}',
			retention: { keepHourly: 24, keepDaily: 14, keepWeekly: 8, keepMonthly: 12 },
		});
		for (const name of Object.keys(backUp.parameters)) expect(SSH_SETUP_PARAMETERS).toContain(name);
		expect(backUp.credentials).toEqual({
			homelabSshApi: { id: 'hliVpsSsh01', name: 'VPS SSH (root)' },
			homelabResticApi: { id: 'hliResticRepo01', name: 'Backup repository (restic)' },
		});
		expect(backUp.onError).toBe('continueErrorOutput');
		expect(next(w, 'Back Up', 1)).toEqual(['Notify Failure']);
		const notify = node(w, 'Notify Failure');
		expect(notify.parameters.body).toContain('$json.details?.errorKind');
		expect(JSON.stringify(notify.parameters)).toContain("errorKind === 'conflict'");
		expect(next(w, 'When Called')).toEqual(['Back Up']);
	});
});

describe('restore-ingress.json', () => {
	const w = workflow('hliRestoreIngre01');

	it('restores onto the VPS its caller names, and has no public trigger', () => {
		expect(w.nodes.map((n) => n.type)).not.toEqual(
			expect.arrayContaining([expect.stringMatching(/webhook|formTrigger/i)]),
		);
		const restore = node(w, 'Restore');
		expect(restore.parameters).toMatchObject({
			operation: 'restore',
			restoreTarget: 'original',
			connection: {
				host: '={{ $json.host }}',
				hostKeyFingerprint: '={{ $json.hostKeyFingerprint }}',
			},
		});
		for (const name of Object.keys(restore.parameters))
			expect(SSH_SETUP_PARAMETERS).toContain(name);
		expect(next(w, 'Start Restore')).toEqual(['Restore Settings']);
		expect(next(w, 'Restore Settings')).toEqual(['Restore']);
		expect(next(w, 'When Called')).toEqual(['Restore']);
		expect(next(w, 'Restore', 0)).toEqual(['Restored']);
		expect(next(w, 'Restore', 1)).toEqual(['Restore Failed']);
		expect(settings(node(w, 'Restore Failed')).errorKind).toBe(
			"={{ $json.details?.errorKind ?? 'internal' }}",
		);
		expect(next(w, 'Restore Failed')).toEqual(['Notify Failure']);
	});
});
