/**
 * `npm start -- --twin` (scripts/start.sh hands over to it): the provisioning lab, for running
 * workflows/provision-ingress.json end to end from the editor. A local n8n with the packed package, the
 * provision workflow with the lab's settings and its credentials; the Vultr simulator whose instances are
 * VPS twins (Debian 12 root filesystems in network namespaces, with cloud-init's user data applied); the real
 * PowerDNS; the Tailscale and Headscale simulators; an ntfy recorder whose messages are printed here; and a
 * home service each twin reaches at a tailnet-range address. All of it is test/support/provisionLab.ts, the
 * lab the provision end-to-end test runs on. Needs root (namespaces) and Debian's packages (debootstrap,
 * pdns-server), installed on first use. In the foreground until Ctrl-C, which stops everything by PID.
 *
 * Usage: lab-twin.ts <n8n bin>
 */
import { existsSync } from 'node:fs';

import { SQLITE_SCHEMA } from '../test/support/powerdns';
import { ensureDebianBinary, ensureDebianPackage } from '../test/support/servers';
import { ensureTwinRootfs } from '../test/support/twin/rootfs';

const say = (text: string) => process.stdout.write(`${text}\n`);

/** Why the twin lab cannot run on this machine, or undefined when it can. */
function missing(): string | undefined {
	if (process.getuid?.() !== 0) return 'it needs root (VPS twins run in network namespaces)';
	const twin = ensureTwinRootfs().reason;
	if (twin) return `no VPS twin root filesystem: ${twin}`;
	return (
		ensureDebianBinary('pdns_server', 'pdns-server') ??
		ensureDebianPackage('pdns-backend-sqlite3', () => existsSync(SQLITE_SCHEMA))
	);
}

async function main(): Promise<void> {
	const [n8nBin] = process.argv.slice(2);
	if (!n8nBin) throw new Error('usage: lab-twin.ts <n8n bin>');
	process.env.HLI_N8N_BIN = n8nBin;
	say('lab: preparing the VPS twin lab (the first start builds a Debian root filesystem) …');
	const why = missing();
	if (why) {
		say(`lab: the twin lab cannot start: ${why}`);
		process.exitCode = 1;
		return;
	}
	// Loaded after HLI_N8N_BIN is set: the n8n test support reads it when first loaded.
	const { startProvisionLab } = await import('../test/support/provisionLab');
	const lab = await startProvisionLab();
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		say('\nlab: stopping n8n, the twins and the simulators …');
		clearInterval(watcher);
		await lab.stop();
		say('lab: stopped');
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());

	const input = lab.input();
	const form = `${lab.n8n.baseUrl}/form/provision-ingress`;
	say(
		[
			'',
			'Provisioning lab (VPS twins) is running.',
			`  n8n editor:      ${lab.n8n.baseUrl}   login ${lab.n8n.owner.email} / ${lab.n8n.owner.password}`,
			`  provision form:  ${form}   login ${lab.formLogin.user} / ${lab.formLogin.password}`,
			'  fill the form with (the lab knows these; anything else is checked as in production):',
			...Object.entries(input).map(
				([field, value]) =>
					`    ${field.padEnd(13)} ${value.replace(/\n/g, '\n                  ')}`,
			),
			"  each Vultr instance created becomes a twin; its address is the instance's main_ip.",
			'  notifications (ntfy) are printed below as they arrive.',
			'',
			'Press Ctrl-C to stop the lab.',
		].join('\n'),
	);
	let shown = 0;
	const watcher = setInterval(() => {
		for (; shown < lab.ntfy.received.length; shown++) {
			const { headers, body } = lab.ntfy.received[shown];
			say(`ntfy: ${String(headers['x-title'] ?? '')}\n  ${body.trim().slice(0, 2_000)}`);
		}
	}, 500);
}

main().catch((error) => {
	process.stderr.write(`lab: ${(error as Error).stack ?? String(error)}\n`);
	process.exitCode = 1;
});
