/**
 * Caddy Route → Admin API Access "Through SSH" on the VPS twin: the admin API stays on the twin's
 * localhost (Install Caddy pins it there), and the node reaches it over a pinned SSH tunnel. The
 * results are read inside the twin with curl, not through the node.
 */
import { request } from 'node:http';

import type { IDataObject } from 'n8n-workflow';

import { SshSession } from '../../lib/ssh-session';
import { managedRoutesOf } from '../../nodes/CaddyRoute/helpers/routeBuckets';
import { openTunnel, TUNNEL_KEY_HEADER } from '../../lib/ssh-tunnel';
import { listSearch, runNode } from '../support/engine';
import { describeWithServer } from '../support/servers';
import { startTwin, twinCredentials, type Twin } from '../support/twin';

const ADMIN = "curl -fsS -m 5 -H 'Origin: http://localhost:2019' http://localhost:2019";

describeWithServer('twin', 'Caddy Route through an SSH tunnel to the VPS twin', () => {
	let twin: Twin;
	let credentials: Record<string, IDataObject>;
	const caddy = (params: IDataObject, overrides: IDataObject = {}) =>
		runNode(
			'caddyRoute',
			{ adminAccess: 'ssh', sshConnection: overrides, ...params },
			{ credentials },
		);

	/** Publishes `hosts` (home on the tailnet) in `server`, through the tunnel pinned to the twin. */
	const publish = (server: string, hosts: string) =>
		caddy(
			{
				resource: 'route',
				operation: 'upsert',
				server: { __rl: true, mode: 'name', value: server },
				hosts,
				upstreams: '100.64.0.5:8080',
			},
			{ host: twin.address, hostKeyFingerprint: twin.fingerprint },
		);

	beforeAll(async () => {
		twin = await startTwin();
		credentials = {
			// A host the credential names but the tunnel overrides, as a workflow does for a new server.
			homelabSshApi: { ...twinCredentials(twin).homelabSshApi, host: '192.0.2.1' },
			caddyAdminApi: { baseUrl: 'http://localhost:2019' },
		};
		const installed = await runNode(
			'sshSetup',
			{ operation: 'caddy', caddyInstall: 'distribution' },
			{ credentials: twinCredentials(twin) },
		);
		if (installed.error) throw installed.error;
	}, 120_000);

	afterAll(async () => {
		await twin?.stop();
	}, 60_000);

	it('ensures the server and publishes a route in the Caddy that listens only on the twin’s localhost', async () => {
		const tunnel = { host: twin.address, hostKeyFingerprint: twin.fingerprint };
		const ensured = await caddy(
			{
				resource: 'server',
				operation: 'ensure',
				serverName: 'ingress',
				listen: ':8080',
				automaticHttps: false,
			},
			tunnel,
		);
		expect(ensured.error).toBeUndefined();
		const route = await publish('ingress', 'app.example.com');
		expect(route.error).toBeUndefined();
		expect(route.json[0]).toMatchObject({ action: 'created', changed: true });
		const routes = JSON.parse(twin.exec(`${ADMIN}/config/apps/http/servers/ingress/routes`).stdout);
		expect(managedRoutesOf(routes).map((r: IDataObject) => r['@id'])).toEqual([
			'homelab-ingress_app.example.com@ingress',
		]);
		// Through the tunnel again: nothing to change.
		const again = await publish('ingress', 'app.example.com');
		expect(again.json[0]).toMatchObject({ action: 'unchanged', changed: false });
	}, 60_000);

	it('verifies through the public HTTPS listener of the server the tunnel goes to', async () => {
		// Home on the tailnet, played inside the twin: 100.64.0.5:8080 on its loopback.
		twin.exec(
			"ip addr add 100.64.0.5/32 dev lo && mkdir -p /srv/home && echo 'hello from home' > /srv/home/index.html && systemd-run --unit=home --working-directory=/srv/home python3 -m http.server 8080 --bind 100.64.0.5",
		);
		// Certificates from Caddy's internal CA (production uses ACME), trusted by the check below.
		const tls = {
			automation: {
				policies: [{ subjects: ['web.example.com'], issuers: [{ module: 'internal' }] }],
			},
		};
		const loaded = twin.exec(
			`${ADMIN.replace('curl', "curl -X POST -H 'Content-Type: application/json' --data-binary @-")}/config/apps/tls`,
			JSON.stringify(tls),
		);
		expect(loaded.code).toBe(0);
		const tunnel = { host: twin.address, hostKeyFingerprint: twin.fingerprint };
		const ensured = await caddy(
			{ resource: 'server', operation: 'ensure', serverName: 'public', listen: ':443' },
			tunnel,
		);
		expect(ensured.error).toBeUndefined();
		const synced = await publish('public', 'web.example.com');
		expect(synced.error).toBeUndefined();
		const root = () =>
			twin.exec('cat /var/lib/caddy/.local/share/caddy/pki/authorities/local/root.crt').stdout;
		for (let i = 0; i < 50 && !root(); i++) await new Promise((r) => setTimeout(r, 200));
		const verified = await caddy(
			{
				resource: 'route',
				operation: 'verify',
				server: { __rl: true, mode: 'name', value: 'public' },
				publicAddress: '',
				trustedCaPem: root(),
				minDaysLeft: 0,
			},
			tunnel,
		);
		expect(verified.error).toBeUndefined();
		expect(verified.json).toHaveLength(1);
		expect(verified.json[0].problems).toEqual([]);
		expect(verified.json[0]).toMatchObject({ host: 'web.example.com', ok: true, status: 200 });
	}, 90_000);

	it('relays only connections that carry the tunnel key: other local processes get nothing', async () => {
		const session = await SshSession.open({
			host: twin.address,
			port: 22,
			username: 'root',
			privateKey: twin.privateKey,
			fingerprint: twin.fingerprint,
		});
		const tunnel = await openTunnel(session, 'localhost', 2019);
		// node:http, not fetch: fetch does not send a Host header of our choosing.
		const ask = (extra: Record<string, string>) =>
			new Promise<string>((resolve) => {
				const req = request(
					`${tunnel.localUrl}/config/apps/http/servers/ingress/listen`,
					{
						headers: { Host: 'localhost:2019', Origin: 'http://localhost:2019', ...extra },
						timeout: 10_000,
					},
					(res) => {
						let body = '';
						res.on('data', (chunk: Buffer) => (body += chunk.toString()));
						res.on('end', () => resolve(`${res.statusCode} ${body.trim()}`));
					},
				);
				req.on('timeout', () => req.destroy());
				req.on('error', () => resolve('closed'));
				req.end();
			});
		try {
			expect(await ask({})).toBe('closed');
			expect(await ask({ [TUNNEL_KEY_HEADER]: 'guessed' })).toBe('closed');
			expect(await ask({ [TUNNEL_KEY_HEADER]: tunnel.key })).toBe('200 [":8080"]');
		} finally {
			await tunnel.close();
			session.close();
		}
	}, 60_000);

	it('refuses a server whose host key is not the pinned one, before the admin API is asked', async () => {
		const result = await caddy(
			{
				resource: 'route',
				operation: 'list',
				server: { __rl: true, mode: 'name', value: 'ingress' },
			},
			{ host: twin.address, hostKeyFingerprint: `SHA256:${'A'.repeat(43)}` },
		);
		expect(result.error?.message).toMatch(/^Caddy admin API through SSH: Host key mismatch/);
	}, 60_000);

	it('serves items that name the same server over one tunnel, and refuses items that name another', async () => {
		const list = (vpsOfItems: string[]) =>
			runNode(
				'caddyRoute',
				{
					adminAccess: 'ssh',
					sshConnection: { host: '={{ $json.vps }}', hostKeyFingerprint: twin.fingerprint },
					resource: 'route',
					operation: 'list',
					server: { __rl: true, mode: 'name', value: 'ingress' },
				},
				{ credentials, input: vpsOfItems.map((vps) => ({ vps })) },
			);
		const same = await list([twin.address, twin.address]);
		expect(same.error).toBeUndefined();
		expect(same.json.length).toBeGreaterThanOrEqual(2);
		// The second item would otherwise be answered by the first item's server.
		const mixed = await list([twin.address, '192.0.2.7']);
		expect(mixed.error?.message).toMatch(/item 2 names another server than item 1/);
		expect(mixed.json).toEqual([]);
	}, 60_000);

	it('lists the servers for the editor’s Server dropdown through the tunnel, and closes it', async () => {
		const parameters = {
			resource: 'route',
			operation: 'list',
			adminAccess: 'ssh',
			sshConnection: { host: twin.address, hostKeyFingerprint: twin.fingerprint },
		};
		const listed = await listSearch('caddyRoute', 'searchServers', parameters, { credentials });
		expect(listed.results.map((server) => server.value)).toEqual(
			expect.arrayContaining(['ingress', 'public']),
		);
		// The tunnel's SSH session is gone once the list is answered.
		const sessions = () =>
			Number(twin.exec("ss -Htn state established '( sport = :22 )' | wc -l").stdout.trim());
		for (let i = 0; i < 50 && sessions() > 0; i++) await new Promise((r) => setTimeout(r, 100));
		expect(sessions()).toBe(0);
		// An override that needs item data cannot be resolved by the editor: said so, nothing opened.
		const needsItem = listSearch(
			'caddyRoute',
			'searchServers',
			{ ...parameters, sshConnection: { host: '={{ $json.mainIp }}' } },
			{ credentials },
		);
		await expect(needsItem).rejects.toThrow(/SSH Connection: the overrides need item data/);
	}, 60_000);

	it('cannot reach the admin API directly: it listens on the twin’s localhost only', async () => {
		const result = await runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'list',
				server: { __rl: true, mode: 'name', value: 'ingress' },
			},
			{ credentials: { caddyAdminApi: { baseUrl: `http://${twin.address}:2019` } } },
		);
		expect(result.error?.message).toMatch(/Caddy admin API unreachable/);
	}, 60_000);
});
