/**
 * workflows/provision-ingress.json in a real n8n (the packed package), through its form endpoint, against
 * a lab: the Vultr simulator whose instances are VPS twins, the real PowerDNS, the Tailscale simulator (the
 * tailscale CLI double in the twin) and a home service on the host that the twin reaches at a tailnet-range
 * address. Everything about the result is read from the twin and the servers, not from the workflow. Then
 * the same input again, from another workflow: nothing bought, nothing changed.
 */
import { request } from 'node:https';
import { Resolver } from 'node:dns/promises';

import { managedRoutesOf } from '../../nodes/CaddyRoute/helpers/routeBuckets';
import { VULTR_API_KEY } from '../simulators/vultr';
import { describeWithN8n } from '../support/n8n';
import {
	HOME_PUBLIC_IP,
	startProvisionLab,
	ZONE,
	type Out,
	type ProvisionLab,
} from '../support/provisionLab';
import { describeWithServer } from '../support/servers';
import type { Twin } from '../support/twin';

jest.setTimeout(600_000);

/** GET https://host/ through the twin's public address, trusting only the lab CA (SNI and Host = host). */
function httpsThrough(
	address: string,
	host: string,
	ca: string,
): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = request(
			{
				host: address,
				port: 443,
				servername: host,
				path: '/',
				headers: { Host: host },
				ca,
				timeout: 10_000,
			},
			(res) => {
				let body = '';
				res.on('data', (chunk: Buffer) => (body += chunk.toString()));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
			},
		);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', reject);
		req.end();
	});
}

describeWithN8n('provision-ingress in a real n8n', () => {
	describeWithServer('twin', 'against the lab (Vultr twins)', () => {
		describeWithServer('powerdns', 'with PowerDNS', () => {
			let lab: ProvisionLab;
			const onlyTwin = (): Twin => {
				expect(lab.twins.twins.size).toBe(1);
				return [...lab.twins.twins.values()][0];
			};
			/** Deletes the one VPS through the cloud API (its twin stops with it), as a user would. */
			const deleteOnlyVps = async () => {
				const [id] = lab.twins.twins.keys();
				const deleted = await fetch(`${lab.vultr.url}/instances/${id}`, {
					method: 'DELETE',
					headers: { Authorization: `Bearer ${VULTR_API_KEY}` },
					signal: AbortSignal.timeout(60_000),
				});
				expect(deleted.status).toBe(204);
			};

			beforeAll(async () => {
				lab = await startProvisionLab();
			}, 600_000);

			afterAll(async () => {
				await lab?.stop();
			}, 120_000);

			it('refuses the form without its login', async () => {
				const { status } = await lab.submitForm(lab.input(), false);
				expect(status).toBe(401);
				expect(lab.purchases()).toHaveLength(0);
			});

			it('refuses bad input before anything is bought, naming the field', async () => {
				const cases: Array<[Partial<Record<string, string>>, string]> = [
					[{ excludedHosts: `app.${ZONE}` }, 'Excluded Hosts'],
					[{ region: 'xyz' }, 'Region'],
					[{ plan: 'vhf-2c-4gb' }, 'Plan'],
					[{ services: `app.${ZONE} -> not a host` }, 'Services'],
				];
				for (const [change, field] of cases) {
					const { status, json } = await lab.callProvision({ ...lab.input(), ...change } as Record<
						string,
						string
					>);
					expect(status).toBe(200);
					expect(json).toMatchObject({ ok: false, details: { errorKind: 'input', field } });
				}
				// Through the form too: the form only says it got the answers, ntfy says what was wrong.
				const { status } = await lab.submitForm({ ...lab.input(), adminCidr: '198.18.0.0' });
				expect(status).toBe(200);
				const notices = lab.ntfy.received.map((message) => ({
					title: message.headers['x-title'],
					body: message.body.split(':').slice(0, 2).join(':'),
				}));
				expect(notices).toEqual(
					['Excluded Hosts', 'Region', 'Plan', 'Services', 'Admin CIDR'].map((field) => ({
						title: 'Ingress VPS not provisioned',
						body: `input: Invalid ${field}`,
					})),
				);
				expect(lab.vultr.mutatingRequests()).toEqual([]);
				expect(lab.twins.twins.size).toBe(0);
			});

			it('provisions a hardened, serving ingress from the form', async () => {
				const notified = lab.ntfy.received.length;
				const { status } = await lab.submitForm(lab.input());
				expect(status).toBe(200);
				expect(lab.purchases()).toHaveLength(1);
				const twin = onlyTwin();

				const sshd = twin.exec('sshd -T').stdout;
				expect(sshd).toMatch(/^passwordauthentication no$/m);
				expect(sshd).toMatch(/^permitrootlogin without-password$/m);
				const ufw = twin.exec('ufw status').stdout;
				expect(ufw).toMatch(/Status: active/);
				expect(ufw).toMatch(/443\/tcp\s+ALLOW/);
				expect(twin.exec('sysctl -n net.ipv4.tcp_congestion_control').stdout.trim()).toBe('bbr');
				const routes = JSON.parse(
					twin.exec(
						"curl -fsS -H 'Origin: http://localhost:2019' http://localhost:2019/config/apps/http/servers/ingress/routes",
					).stdout,
				) as Out[];
				expect(
					managedRoutesOf(routes)
						.map((route) => route['@id'])
						.sort(),
				).toEqual([`homelab-ingress_app.${ZONE}@ingress`, `homelab-ingress_wiki.${ZONE}@ingress`]);

				const resolver = new Resolver({ timeout: 2_000, tries: 1 });
				resolver.setServers([lab.pdns.dnsServer]);
				expect(await resolver.resolve4(`app.${ZONE}`)).toEqual([twin.address]);
				expect(await resolver.resolve4(`media.${ZONE}`)).toEqual([HOME_PUBLIC_IP]);

				const answer = await httpsThrough(twin.address, `app.${ZONE}`, lab.ca.rootPem);
				expect(answer).toEqual({ status: 200, body: `hello from home: app.${ZONE}` });

				expect(lab.ntfy.received).toHaveLength(notified + 1);
				const summary = JSON.parse(lab.ntfy.received.at(-1)!.body) as Out;
				expect(summary).toMatchObject({
					ok: true,
					ipv4: twin.address,
					hostKeyFingerprint: twin.fingerprint,
					tailnetIpv4: '100.101.102.103',
					purchases: 1,
				});
				expect(summary.verification).toEqual([
					{ host: `app.${ZONE}`, dns: true, https: true, status: 200, problems: [] },
					{ host: `wiki.${ZONE}`, dns: true, https: true, status: 200, problems: [] },
					{ host: `media.${ZONE}`, dns: true, servedByVps: false },
				]);
				expect(JSON.stringify(summary)).not.toContain('PRIVATE KEY');
			});

			it('buys nothing and changes nothing when run again with the same input', async () => {
				const before = lab.vultr.mutatingRequests().length;
				const { status, json } = await lab.callProvision(lab.input());
				expect(status).toBe(200);
				expect(json).toMatchObject({ ok: true, purchases: 0, changedSteps: [] });
				expect(Object.values(json.steps as Out).every((changed) => changed === false)).toBe(true);
				expect(lab.vultr.mutatingRequests().length).toBe(before);
				expect(lab.purchases()).toHaveLength(1);
				expect(lab.twins.twins.size).toBe(1);
			});

			it('converges when a run is cut off in the middle: the SSH connection dropped during Harden', async () => {
				// One twin at a time: the first VPS goes.
				await deleteOnlyVps();
				expect(lab.twins.twins.size).toBe(0);
				const values = { ...lab.input(), label: 'edge-resume' };
				const bought = () =>
					lab.purchases().filter((entry) => (entry.body as Out).label === 'edge-resume');
				const notified = lab.ntfy.received.length;

				const cut = lab.submitForm(values);
				// The workflow's first SSH session on the new VPS is Harden's: drop it as soon as it is there.
				let dropped = '';
				const deadline = Date.now() + 240_000;
				while (!dropped && Date.now() < deadline) {
					const twin = [...lab.twins.twins.values()][0];
					if (twin)
						dropped = twin
							.exec(
								'pids=$(pgrep -f \'^sshd: root@notty\'); [ -n "$pids" ] && kill -9 $pids && echo $pids',
							)
							.stdout.trim();
					if (!dropped) await new Promise((resolve) => setTimeout(resolve, 100));
				}
				expect(dropped).not.toBe('');
				expect((await cut).status).toBe(200);
				// The cut run ended in Report Failure: a failure notice, no summary.
				expect(lab.ntfy.received).toHaveLength(notified + 1);
				expect(lab.ntfy.received.at(-1)!.headers['x-title']).toBe('Ingress VPS not provisioned');
				expect(bought()).toHaveLength(1);

				const { status } = await lab.submitForm(values);
				expect(status).toBe(200);
				expect(bought()).toHaveLength(1);
				const twin = onlyTwin();
				expect(lab.ntfy.received).toHaveLength(notified + 2);
				const summary = JSON.parse(lab.ntfy.received.at(-1)!.body) as Out;
				expect(summary).toMatchObject({ ok: true, purchases: 0, ipv4: twin.address });
				expect(twin.exec('sshd -T').stdout).toMatch(/^passwordauthentication no$/m);
				expect(twin.exec('ufw status').stdout).toMatch(/Status: active/);
				expect(await httpsThrough(twin.address, `app.${ZONE}`, lab.ca.rootPem)).toEqual({
					status: 200,
					body: `hello from home: app.${ZONE}`,
				});
			});

			it('joins through Headscale when the form says so: key minted inside the step, login server set', async () => {
				await deleteOnlyVps();
				const minted = lab.headscale.preAuthKeys.length;
				const { status, json } = await lab.callProvision({
					...lab.input(),
					label: 'edge-headscale',
					tunnel: 'headscale',
				});
				expect(status).toBe(200);
				expect(json).toMatchObject({ ok: true, purchases: 1, tailnetIpv4: '100.101.102.103' });
				expect(lab.headscale.preAuthKeys).toHaveLength(minted + 1);
				const key = String(lab.headscale.preAuthKeys.at(-1)!.key);
				expect(JSON.stringify(json)).not.toContain(key);
				const twin = onlyTwin();
				const calls = twin.exec('cat /var/lib/tailscale-double/calls.log').stdout;
				expect(calls).toContain(`arg=--login-server=${lab.headscale.url.replace(/\/+$/, '')}`);
				expect(twin.exec('cat /var/lib/tailscale-double/authkey-read').stdout.trim()).toBe(key);
				expect(calls).not.toContain(key);
			});

			it('converges when n8n is killed during Harden and the form is sent again', async () => {
				await deleteOnlyVps();
				const values = { ...lab.input(), label: 'edge-crash' };
				const bought = () =>
					lab.purchases().filter((entry) => (entry.body as Out).label === 'edge-crash');

				// The answer never comes: n8n dies under it.
				const cut = lab.submitForm(values).catch(() => ({ status: 0 }));
				let hardening = false;
				const deadline = Date.now() + 240_000;
				while (!hardening && Date.now() < deadline) {
					const twin = [...lab.twins.twins.values()][0];
					hardening = !!twin && twin.exec("pgrep -f '^sshd: root@notty'").code === 0;
					if (!hardening) await new Promise((resolve) => setTimeout(resolve, 100));
				}
				expect(hardening).toBe(true);
				await lab.n8n.killAndRestart();
				expect((await cut).status).toBe(0);
				expect(bought()).toHaveLength(1);

				const notified = lab.ntfy.received.length;
				const { status } = await lab.submitForm(values);
				expect(status).toBe(200);
				expect(bought()).toHaveLength(1);
				const twin = onlyTwin();
				expect(lab.ntfy.received).toHaveLength(notified + 1);
				const summary = JSON.parse(lab.ntfy.received.at(-1)!.body) as Out;
				expect(summary).toMatchObject({ ok: true, purchases: 0, ipv4: twin.address });
				expect(twin.exec('sshd -T').stdout).toMatch(/^passwordauthentication no$/m);
				expect(await httpsThrough(twin.address, `app.${ZONE}`, lab.ca.rootPem)).toEqual({
					status: 200,
					body: `hello from home: app.${ZONE}`,
				});
			});
		});
	});
});
