/**
 * Disaster recovery on three VPS twins: the ingress VPS backs up to a home backup box over SFTP (a
 * second twin serving SFTP, reached over a link of their own), then a fresh VPS (restic not even
 * installed) is restored from the box. What the restore proves is read through nsenter and curl on
 * the twins, never through the node: Caddy serves the same routes from a byte-identical config, the
 * Headscale database is intact with the same rows, and the files match byte for byte.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	IDataObject,
} from 'n8n-workflow';

import { resticRepositoryTest } from '../../nodes/SshSetup/methods';
import { runNode } from '../support/engine';
import { describeWithServer } from '../support/servers';
import { linkTwins, startTwin, twinCredentials, twinFile, type Twin } from '../support/twin';
import { prepareBackupBox } from '../support/twin/backupBox';
import { debianPackageFile } from '../support/twin/packages';
import {
	databaseDigest,
	fileDigests,
	HEADSCALE_DB,
	liveCaddyConfig,
	routeAnswer,
	seedCaddyRoutes,
	seedEtc,
	seedHeadscale,
} from '../support/twin/vpsState';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- output items are checked field by field
type Out = Record<string, any>;

const PASSWORD = 'home box repository passphrase 9c1d';
const BOX_USER = 'restic';
const BOX_PATH = '/srv/restic/ingress';
const OLD_HOST = 'ingress-old';
const CADDY_AUTOSAVE = '/var/lib/caddy/.config/caddy/autosave.json';
const RESTORED_FILES = [
	'/etc/headscale',
	'/var/lib/headscale/noise_private.key',
	'/etc/caddy',
	CADDY_AUTOSAVE,
	'/etc/ssh',
	'/etc/wireguard',
	'/etc/sysctl.d',
	'/etc/fail2ban/jail.d',
	'/etc/apt/apt.conf.d/20auto-upgrades',
];

const sh = (twin: Twin, script: string) => twin.exec(script).stdout.trim();

function must(twin: Twin, script: string): string {
	const result = twin.exec(script);
	if (result.code !== 0) throw new Error(`${script}: ${result.stderr}`);
	return result.stdout.trim();
}

describeWithServer(
	'twin',
	'SSH Setup Restore onto a fresh VPS twin from a backup box over SFTP',
	() => {
		let vps: Twin;
		let fresh: Twin;
		let box: Twin;
		/** The box as each VPS reaches it over its own link. */
		const boxAddress: Record<string, string> = {};
		let boxKey: string;
		let boxHostKey: string;

		const sftp = (host: string, extra: IDataObject = {}) => ({
			repositoryType: 'sftp',
			sftpHost: host,
			sftpPort: 22,
			sftpUser: BOX_USER,
			sftpPath: BOX_PATH,
			sftpPrivateKey: boxKey,
			sftpHostKey: boxHostKey,
			password: PASSWORD,
			...extra,
		});
		const on = (twin: Twin, extra: IDataObject = {}) => ({
			...twinCredentials(twin),
			homelabResticApi: sftp(boxAddress[twin.address], extra),
		});

		beforeAll(async () => {
			const deb = debianPackageFile('restic');
			[vps, fresh, box] = await Promise.all([
				startTwin(),
				// a freshly provisioned VPS: restic is not installed (apt has the package file, as from a mirror)
				startTwin({
					prepare: (rootfs) => {
						execFileSync('chroot', [rootfs, 'dpkg', '--purge', 'restic'], { stdio: 'ignore' });
						copyFileSync(deb, join(rootfs, 'var/cache/apt/archives', basename(deb)));
					},
				}),
				startTwin(),
			]);
			({ privateKey: boxKey, hostKey: boxHostKey } = prepareBackupBox(box, BOX_USER));
			for (const twin of [vps, fresh]) boxAddress[twin.address] = linkTwins(twin, box).b;

			seedHeadscale(vps);
			seedEtc(vps);
			const caddy = await runNode(
				'sshSetup',
				{ operation: 'caddy', caddyInstall: 'distribution' },
				{ credentials: twinCredentials(vps) },
			);
			expect(caddy.error).toBeUndefined();
			seedCaddyRoutes(vps);
			// The fresh VPS runs Headscale (installed, no data yet) and Caddy as provisioning leaves them.
			must(
				fresh,
				`useradd --system --home-dir /var/lib/headscale --shell /usr/sbin/nologin headscale
cat > /etc/systemd/system/headscale.service <<'UNIT'
[Service]
ExecStart=/bin/sleep infinity
UNIT
systemctl daemon-reload && systemctl start headscale.service`,
			);
			const freshCaddy = await runNode(
				'sshSetup',
				{ operation: 'caddy', caddyInstall: 'distribution' },
				{ credentials: twinCredentials(fresh) },
			);
			expect(freshCaddy.error).toBeUndefined();
		}, 300_000);

		afterAll(async () => {
			await Promise.all([vps, fresh, box].map((twin) => twin?.stop()));
		}, 60_000);

		it('the credential test logs in to the backup box with the pinned host key, and refuses another key', async () => {
			const test = (data: IDataObject) =>
				resticRepositoryTest.call({} as ICredentialTestFunctions, {
					id: 'box',
					name: 'box',
					type: 'homelabResticApi',
					data: data as ICredentialDataDecryptedObject,
				});
			const ok = await test(sftp(box.address));
			expect(ok).toEqual({
				status: 'OK',
				message: expect.stringContaining(`${BOX_PATH} will be created by the first backup`),
			});
			const other = await test(
				sftp(box.address, { sftpHostKey: twinFile(vps, 'etc/ssh/ssh_host_ed25519_key.pub') }),
			);
			expect(other.status).toBe('Error');
			expect(other.message).toMatch(/Host key mismatch/);
		});

		it('refuses a backup box that presents another host key, before a byte of the backup is sent', async () => {
			const result = await runNode(
				'sshSetup',
				{ operation: 'backup', backupMode: 'repository', backupSets: ['system'] },
				{
					credentials: on(vps, {
						sftpHostKey: twinFile(fresh, 'etc/ssh/ssh_host_ed25519_key.pub'),
					}),
					onError: 'continueRegularOutput',
				},
			);
			const [failed] = result.json as Out[];
			expect(failed.error).toMatch(/did not present the pinned host key/);
			expect(failed.details.errorKind).toBe('auth');
			expect(sh(box, `ls -A /srv/restic`)).toBe('');
			expect(sh(vps, 'ls -d /run/hli-restic.* 2>/dev/null || true')).toBe('');
		}, 60_000);

		it('backs the VPS up to the backup box over SFTP', async () => {
			const result = await runNode(
				'sshSetup',
				{
					operation: 'backup',
					backupMode: 'repository',
					backupSets: ['headscale', 'caddy', 'system'],
					repositoryOptions: { hostName: OLD_HOST },
				},
				{ credentials: on(vps) },
			);
			expect(result.error).toBeUndefined();
			const out = result.json[0] as Out;
			expect(out.repository).toBe(`sftp:${BOX_USER}@${boxAddress[vps.address]}:${BOX_PATH}`);
			expect(out.runs.map((r: Out) => r.set)).toEqual(['headscale', 'caddy', 'system']);
			// the repository is on the box, owned by the SFTP user, readable with the password
			expect(sh(box, `stat -c %U ${BOX_PATH}/config`)).toBe(BOX_USER);
			const listed = box.exec(
				`pw=$(cat); restic -r ${BOX_PATH} --password-file <(printf %s "$pw") snapshots --json --host ${OLD_HOST}`,
				PASSWORD,
			);
			expect(JSON.parse(listed.stdout)).toHaveLength(out.snapshots.length + out.runs.length);
			// the key for the box was only on the VPS for the run
			expect(sh(vps, 'ls -d /run/hli-restic.* 2>/dev/null || true')).toBe('');
			expect(
				sh(
					vps,
					`grep -rlF 'BEGIN OPENSSH PRIVATE KEY' /root /etc /var /run 2>/dev/null | grep -v ssh_host_ || true`,
				),
			).toBe('');
		}, 120_000);

		it('restores onto a fresh VPS: same routes from a byte-identical config, the same database, the same files', async () => {
			const vpsDatabase = databaseDigest(vps, HEADSCALE_DB);
			const vpsFiles = fileDigests(vps, RESTORED_FILES);
			const invocation = sh(fresh, 'systemctl show -p InvocationID --value headscale.service');
			const result = await runNode(
				'sshSetup',
				{
					operation: 'restore',
					restoreSnapshot: 'latest',
					restoreSets: ['headscale', 'caddy', 'system'],
					restoreOptions: { hostName: OLD_HOST },
				},
				{ credentials: on(fresh) },
			);
			expect(result.error).toBeUndefined();
			const out = result.json[0] as Out;
			expect(out.installed).toEqual(['restic']);
			expect(out.missing).toEqual([]);
			expect(out.sets.map((s: Out) => s.set)).toEqual(['headscale', 'caddy', 'system']);
			expect(out.sets.find((s: Out) => s.set === 'headscale').unitsRestarted).toEqual([
				'headscale.service',
			]);
			// stopped and started again by the restore: systemd gave it a new invocation, and it runs
			expect(sh(fresh, 'systemctl show -p InvocationID --value headscale.service')).not.toBe(
				invocation,
			);
			expect(sh(fresh, 'systemctl is-active headscale.service')).toBe('active');

			// Caddy: the config it serves is the old one, byte for byte, and so are the answers
			expect(liveCaddyConfig(fresh)).toBe(liveCaddyConfig(vps));
			expect(sh(fresh, `sha256sum < ${CADDY_AUTOSAVE}`)).toBe(
				sh(vps, `sha256sum < ${CADDY_AUTOSAVE}`),
			);
			for (const name of ['app', 'media', 'wiki'])
				expect(routeAnswer(fresh, `${name}.example.com`)).toBe(`served ${name}`);

			// the database: integrity_check ok, same header, schema and rows
			expect(databaseDigest(fresh, HEADSCALE_DB)).toBe(vpsDatabase);
			expect(sh(fresh, `stat -c '%U:%G %a' ${HEADSCALE_DB}`)).toBe('headscale:headscale 640');
			// every file, with its mode and owner
			expect(fileDigests(fresh, RESTORED_FILES)).toBe(vpsFiles);

			// the fresh VPS now presents the old host key (so pins elsewhere keep working)
			expect(out.hostKeyFingerprint).toBe(vps.fingerprint);
			const facts = await runNode(
				'sshSetup',
				{ operation: 'facts', connection: { hostKeyFingerprint: vps.fingerprint } },
				{ credentials: twinCredentials(fresh) },
			);
			expect(facts.error).toBeUndefined();
		}, 180_000);
	},
);
