/**
 * The exported backup and restore workflows in a real n8n (the packed package installed as a
 * community package), against a VPS twin with a repository in a folder on it. n8n runs a sub-workflow
 * only when it is published, and a published backup workflow's schedules would start runs of their
 * own in the middle of the test: they are switched off in the test's copy, and a test-only workflow
 * calls the workflows the way another workflow would (their "When Called" trigger) from a webhook,
 * with the sets each schedule's settings name. A loopback server plays ntfy.
 */

import {
	randomSecret,
	routeCredentials,
	shippedWorkflows,
	type WorkflowJson,
} from '../../scripts/n8n-instance';
import { describeWithN8n, startTestN8n, type TestN8n } from '../support/n8n';
import { callerWorkflow } from '../support/n8nCaller';
import { startNtfy, type Ntfy } from '../support/ntfy';
import { describeWithServer } from '../support/servers';
import { startTwin, twinSshCredentialSeed, type Twin } from '../support/twin';
import { databaseDigest, HEADSCALE_DB, seedHeadscale } from '../support/twin/vpsState';

jest.setTimeout(120_000);

const BACKUP_ID = 'hliBackupIngres01';
const RESTORE_ID = 'hliRestoreIngre01';
const CALLER_ID = 'hliTestBackupCall';
const REPOSITORY = '/srv/restic/e2e';
const PASSWORD = 'e2e repository password 5d2';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field
type Out = Record<string, any>;

function shipped(id: string): WorkflowJson {
	const workflow = shippedWorkflows().find((candidate) => candidate.id === id);
	if (!workflow) throw new Error(`workflows/ has no workflow with id ${id}`);
	return structuredClone(workflow);
}

describeWithN8n('backup and restore workflows in a real n8n', () => {
	describeWithServer('twin', 'against a VPS twin', () => {
		const token = randomSecret();
		let twin: Twin;
		let n8n: TestN8n;
		let ntfy: Ntfy;

		const call = async (path: string, body: unknown) => {
			const response = await fetch(`${n8n.baseUrl}/webhook/test/${path}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
				body: JSON.stringify(body),
				signal: AbortSignal.timeout(110_000),
			});
			return { status: response.status, json: (await response.json()) as Out };
		};

		beforeAll(async () => {
			[twin, ntfy] = await Promise.all([startTwin(), startNtfy('backups')]);
			seedHeadscale(twin);
			const backup = shipped(BACKUP_ID);
			const restore = shipped(RESTORE_ID);
			// what the user sets after import: their ntfy topic (here the loopback recorder)
			for (const workflow of [backup, restore]) {
				const notify = workflow.nodes.find((node) => node.name === 'Notify Failure');
				expect(notify?.parameters.url).toMatch(/\.invalid\//);
				notify!.parameters.url = ntfy.url;
			}
			for (const node of backup.nodes.filter((n) => n.type === 'n8n-nodes-base.scheduleTrigger'))
				Object.assign(node, { disabled: true });
			n8n = await startTestN8n({
				credentials: [
					...routeCredentials('http://127.0.0.1:1', token).filter(
						(c) => c.type === 'httpHeaderAuth',
					),
					twinSshCredentialSeed(twin),
					{
						id: 'hliResticRepo01',
						name: 'Backup repository (restic)',
						type: 'homelabResticApi',
						data: { repositoryType: 'local', path: REPOSITORY, password: PASSWORD },
					},
				],
				workflows: [
					backup,
					restore,
					callerWorkflow(
						CALLER_ID,
						{ backup: BACKUP_ID, restore: RESTORE_ID },
						{
							id: 'hliIngressHook01',
							name: 'Ingress webhook token',
						},
					),
				],
				publish: [BACKUP_ID, RESTORE_ID, CALLER_ID],
			});
		}, 300_000);

		afterAll(async () => {
			await n8n?.stop();
			await ntfy?.close();
			await twin?.stop();
		}, 90_000);

		it('backs up the sets a caller names, with the workflow’s retention', async () => {
			const { status, json } = await call('backup', {
				sets: ['headscale', 'system'],
				check: false,
			});
			expect(status).toBe(200);
			expect(json.runs.map((run: Out) => run.set)).toEqual(['headscale', 'system']);
			expect(json.retention).toMatchObject({ runsKept: 2, runsDropped: 0 });
			const listed = twin.exec(
				`pw=$(cat); restic -r ${REPOSITORY} --password-file <(printf %s "$pw") snapshots --json`,
				PASSWORD,
			);
			expect(JSON.parse(listed.stdout)).toHaveLength(json.snapshots.length + 2);
			expect(ntfy.received).toHaveLength(0);
		});

		it('runs the weekly check path: no set, restic check with a read data subset', async () => {
			const { status, json } = await call('backup', { sets: [], check: true });
			expect(status).toBe(200);
			expect(json).toMatchObject({ checked: true, snapshots: [] });
		});

		it('notifies ntfy of a failed backup with the error kind, never with secrets', async () => {
			await call('backup', { sets: ['headscale', 'nonsense'] });
			expect(ntfy.received).toHaveLength(1);
			const [notification] = ntfy.received;
			expect(notification.headers['x-title']).toBe('Backup failed on the ingress VPS');
			expect(notification.headers['x-priority']).toBe('4');
			expect(notification.body).toMatch(/^input: Invalid Sets: "nonsense" is not one of/);
			expect(notification.body).not.toContain(PASSWORD);
		});

		it('restores the latest run onto the VPS a caller names, and says what it restored', async () => {
			const before = databaseDigest(twin, HEADSCALE_DB);
			twin.exec(`sqlite3 ${HEADSCALE_DB} 'DELETE FROM nodes'`);
			const { status, json } = await call('restore', {
				host: twin.address,
				hostKeyFingerprint: twin.fingerprint,
				snapshot: 'latest',
				sets: ['headscale'],
			});
			expect(status).toBe(200);
			expect(json).toEqual({
				restored: ['headscale'],
				missing: [],
				hostKeyFingerprint: '',
				host: twin.address,
			});
			expect(databaseDigest(twin, HEADSCALE_DB)).toBe(before);
		});
	});
});
