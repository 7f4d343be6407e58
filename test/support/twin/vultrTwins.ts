/**
 * Vultr instances that are VPS twins: the Vultr simulator's `backing` boots a twin for every instance it
 * creates, with the instance's user data applied as cloud-init would on first boot; the instance's
 * `main_ip` is the twin's address, and deleting the instance stops the twin. Twins boot one at a time
 * (the machines these tests run on have two cores).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import type { InstanceBacking } from '../../simulators/vultr/state';
import { startTwin, type Twin } from '../twin';
import { applyCloudInit, parseUserData } from './cloudInit';

export interface VultrTwins {
	backing: InstanceBacking;
	/** Running twins by instance id (a deleted instance's twin is gone from here). */
	twins: Map<string, Twin>;
	/** Resolves when no twin is booting. */
	idle(): Promise<void>;
}

export interface VultrTwinsOptions {
	/** Runs on each unpacked rootfs after cloud-init's part (e.g. to place a test double). */
	prepare?: (rootfs: string) => void;
	/** Runs once the twin is up, before the instance shows its address (e.g. to route it to a test service). */
	onBoot?: (twin: Twin) => Promise<void>;
}

function servedFingerprint(rootfs: string): string {
	const printed = spawnSync(
		'ssh-keygen',
		['-lf', join(rootfs, 'etc/ssh/ssh_host_ed25519_key.pub')],
		{
			encoding: 'utf8',
		},
	);
	return printed.stdout.split(/\s+/)[1] ?? '';
}

export function vultrTwins(options: VultrTwinsOptions = {}): VultrTwins {
	const twins = new Map<string, Twin>();
	let queue: Promise<unknown> = Promise.resolve();
	const backing: InstanceBacking = (instance) => {
		const boot = queue.then(async () => {
			let rootfsPath = '';
			const twin = await startTwin({
				prepare: (rootfs) => {
					rootfsPath = rootfs;
					applyCloudInit(rootfs, parseUserData(instance.userData), instance.sshKeys);
					options.prepare?.(rootfs);
				},
			});
			// startTwin reads the fingerprint of the key it generated; cloud-init may have replaced it.
			const running: Twin = { ...twin, fingerprint: servedFingerprint(rootfsPath) };
			try {
				await options.onBoot?.(running);
			} catch (error) {
				await twin.stop();
				throw error;
			}
			twins.set(instance.id, running);
			return {
				address: twin.address,
				stop: async () => {
					twins.delete(instance.id);
					await twin.stop();
				},
			};
		});
		queue = boot.catch(() => undefined);
		return boot;
	};
	return { backing, twins, idle: () => queue.then(() => undefined) };
}
