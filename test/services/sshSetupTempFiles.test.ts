/**
 * SSH Setup's root scripts and shared temporary folders, on the VPS twin (issue 16): no script writes
 * through a fixed name in /tmp (a local user could plant a symlink there and have root write through
 * it), and every temporary file or folder a script makes is gone again, whether the script succeeded
 * or failed. Everything is checked through nsenter, not through the node.
 */
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';

import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../support/engine';
import { describeWithServer } from '../support/servers';
import { startTwin, twinCredentials, type Twin } from '../support/twin';

/** Fixed paths in world-writable folders that earlier versions of the scripts wrote to as root. */
const OLD_FIXED_PATHS = ['/tmp/.hli-sshd-t'];
const LOCAL_USER = 'mallory';
/** Root-owned, readable by the local user, writable only by root. */
const CANARY = '/etc/hli-canary';
const CANARY_TEXT = 'root-only canary, must never change';

const sh = (twin: Twin, script: string) => twin.exec(script).stdout.trim();

function mustRun(twin: Twin, script: string): void {
	const result = twin.exec(script);
	if (result.code !== 0) throw new Error(`${script}: ${result.stderr}`);
}

/** Replaces a program in the twin with one that fails, for the duration of `work`. */
async function withFailingProgram<T>(twin: Twin, path: string, work: () => Promise<T>): Promise<T> {
	mustRun(
		twin,
		`mv ${path} ${path}.hli-real && printf '#!/bin/sh\\necho broken for the test >&2\\nexit 1\\n' > ${path} && chmod 0755 ${path}`,
	);
	try {
		return await work();
	} finally {
		mustRun(twin, `mv -f ${path}.hli-real ${path}`);
	}
}

describeWithServer('twin', 'SSH Setup temporary files on the VPS twin', () => {
	let twin: Twin;
	let credentials: Record<string, IDataObject>;
	const sshdStep = (extraSshdDirectives = '') => ({
		operation: 'harden',
		steps: ['sshd'],
		hardenOptions: { extraSshdDirectives },
	});
	const wireguard = (extra: IDataObject = {}) => ({
		operation: 'wireguard',
		wgAddresses: '10.8.0.1/24',
		wgListenPort: 51820,
		wgStart: false,
		...extra,
	});

	beforeAll(async () => {
		await Container.get(BinaryDataService).init();
		twin = await startTwin();
		credentials = twinCredentials(twin);
		mustRun(
			twin,
			`useradd -m ${LOCAL_USER}
printf '%s\\n' '${CANARY_TEXT}' > ${CANARY}; chmod 0644 ${CANARY}; touch -d '2001-02-03 04:05:06 UTC' ${CANARY}
${OLD_FIXED_PATHS.map((path) => `runuser -u ${LOCAL_USER} -- ln -s ${CANARY} ${path}`).join('\n')}`,
		);
	}, 120_000);

	afterAll(async () => {
		await twin?.stop();
	}, 60_000);

	const canaryState = () => sh(twin, `stat -c '%s %Y %U:%G %a' ${CANARY}; cat ${CANARY}`);
	const plantedLinks = () =>
		OLD_FIXED_PATHS.map((path) => sh(twin, `stat -c '%U %F %N' ${path} 2>&1`));

	it('starts with symlinks the local user planted at every old fixed path, to a file it cannot write', () => {
		expect(canaryState()).toBe(`36 981173106 root:root 644\n${CANARY_TEXT}`);
		expect(plantedLinks()).toEqual(
			OLD_FIXED_PATHS.map((path) => `${LOCAL_USER} symbolic link '${path}' -> '${CANARY}'`),
		);
		expect(twin.exec(`runuser -u ${LOCAL_USER} -- sh -c 'echo x >> ${CANARY}'`).code).not.toBe(0);
	});

	it('writes and validates the sshd drop-in without writing through the planted symlinks', async () => {
		const canary = canaryState();
		const links = plantedLinks();

		const applied = await runNode('sshSetup', sshdStep(), { credentials });
		expect(applied.error).toBeUndefined();
		expect((applied.json[0].steps as IDataObject[])[0]).toMatchObject({
			name: 'sshd',
			changed: true,
		});
		expect(sh(twin, 'sshd -T | grep ^passwordauthentication')).toBe('passwordauthentication no');

		// The failure path reads back what sshd -t said: that is where the fixed file was used.
		const rejected = await runNode('sshSetup', sshdStep('MaxSessions banana'), { credentials });
		expect(rejected.error?.message).toMatch(/Writing the sshd drop-in failed/);
		expect(rejected.error?.description).toMatch(/sshd -t rejected the new settings/);
		expect(rejected.error?.description).toMatch(/MaxSessions integer value invalid/);
		expect(twin.exec('sshd -t').code).toBe(0);

		expect(canaryState()).toBe(canary);
		expect(plantedLinks()).toEqual(links);
	}, 90_000);

	it('leaves no temporary file behind, whether a script succeeds or fails', async () => {
		// Shared temp folders (systemd's own PrivateTmp folders aside) and the node's temp names under /run.
		const shared = () =>
			sh(
				twin,
				// PostgreSQL.* are shared-memory segments of PostgreSQL servers other tests run on the host,
				// whose /dev/shm the twin sees; they come and go on their own.
				"find /tmp /var/tmp /dev/shm -mindepth 1 -maxdepth 1 ! -name 'systemd-private-*' ! -name 'PostgreSQL.*' | sort; find /run -maxdepth 1 -name '.hli-*'",
			);
		// The root-owned folders where scripts stage files before renaming them into place.
		const staging = () =>
			sh(twin, 'find /etc/wireguard /etc/ssh /etc/apt/keyrings /opt -xdev 2>/dev/null | sort');
		const sharedBefore = shared();

		for (const params of [
			wireguard(),
			{
				operation: 'renderUpload',
				templateSource: 'inline',
				templateText: 'x={{x}}\n',
				templateData: '{"x":1}',
				remotePath: '/opt/app/temp-files.conf',
			},
			{ operation: 'backup', backupPaths: '/etc/hostname', backupOptions: { compress: false } },
		]) {
			const result = await runNode('sshSetup', params, { credentials });
			expect(result.error).toBeUndefined();
		}
		const stagingBefore = staging();

		const failures = {
			keyGeneration: await withFailingProgram(twin, '/usr/bin/wg', () =>
				runNode('sshSetup', wireguard({ wgInterface: 'wg7' }), { credentials }),
			),
			configCheck: await withFailingProgram(twin, '/usr/bin/wg-quick', () =>
				runNode('sshSetup', wireguard({ wgListenPort: 51821 }), { credentials }),
			),
			sshdCheck: await runNode('sshSetup', sshdStep('MaxSessions banana'), { credentials }),
			backup: await runNode(
				'sshSetup',
				{
					operation: 'backup',
					backupPaths: '/etc/hostname',
					backupOptions: { pgDatabase: 'nodb' },
				},
				{ credentials },
			),
		};
		expect(failures.keyGeneration.error?.message).toMatch(/WireGuard keys failed/);
		expect(failures.configCheck.error?.message).toMatch(
			/Writing \/etc\/wireguard\/wg0\.conf failed/,
		);
		expect(failures.sshdCheck.error?.description).toMatch(/sshd -t rejected/);
		expect(failures.backup.error?.message).toMatch(/Backup failed/);

		expect(staging()).toBe(stagingBefore);
		expect(shared()).toBe(sharedBefore);
		expect(sh(twin, 'grep -c ListenPort.=.51820 /etc/wireguard/wg0.conf')).toBe('1');
	}, 120_000);
});
