/**
 * Caddy closes its admin connections when it reloads its config, which it does on every change: with
 * many executions (queue-mode workers) changing routes at once, a request can meet a reset. This puts a
 * proxy in front of a real Caddy that resets chosen requests, and checks that Caddy Route sends them
 * again when that is safe.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

import { startCaddy, type CaddyServer } from '../support/caddy';
import { runNode } from '../support/engine';
import { startUpstream, type Upstream } from '../support/http';
import { freePort } from '../support/process';
import { describeWithServer } from '../support/servers';

interface ResettingProxy {
	url: string;
	/** Requests whose first line starts with this are reset (before reaching Caddy) while `resets` > 0. */
	resetWhen: { prefix: string; resets: number };
	seen: string[];
	close(): Promise<void>;
}

async function startResettingProxy(targetPort: number): Promise<ResettingProxy> {
	const sockets = new Set<Socket>();
	const targetAddress = `127.0.0.1:${targetPort}`;
	let proxyAddress = '';
	const proxy: Omit<ResettingProxy, 'url' | 'close'> = {
		resetWhen: { prefix: '', resets: 0 },
		seen: [],
	};
	const server: Server = createServer((client) => {
		sockets.add(client);
		client.on('close', () => sockets.delete(client));
		client.on('error', () => undefined);
		const upstream = connect(targetPort, '127.0.0.1');
		sockets.add(upstream);
		upstream.on('close', () => sockets.delete(upstream));
		upstream.on('error', () => client.destroy());
		upstream.pipe(client);
		client.on('data', (chunk: Buffer) => {
			const text = chunk.toString('latin1');
			const requestLine = /^[A-Z]+ \S+ HTTP\/1\.1/.exec(text)?.[0];
			if (requestLine) proxy.seen.push(requestLine);
			const rule = proxy.resetWhen;
			if (requestLine?.startsWith(rule.prefix) && rule.resets > 0) {
				rule.resets--;
				client.resetAndDestroy();
				upstream.destroy();
				return;
			}
			// Caddy accepts only its own address in Host and Origin.
			upstream.write(Buffer.from(text.split(proxyAddress).join(targetAddress), 'latin1'));
		});
		client.on('end', () => upstream.end());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	proxyAddress = `127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		...proxy,
		url: `http://${proxyAddress}`,
		get resetWhen() {
			return proxy.resetWhen;
		},
		set resetWhen(value) {
			proxy.resetWhen = value;
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

describeWithServer('caddy', 'Caddy Route when Caddy resets admin connections', () => {
	let caddy: CaddyServer;
	let proxy: ResettingProxy;
	let alpha: Upstream;
	let beta: Upstream;
	const upsert = async (upstreamPort: number) =>
		await runNode(
			'caddyRoute',
			{
				resource: 'route',
				operation: 'upsert',
				server: { __rl: true, mode: 'name', value: 'ingress' },
				hosts: 'reset.example.test',
				upstreams: `127.0.0.1:${upstreamPort}`,
				allowLoopback: true,
				allowedNetworks: '127.0.0.1/32',
			},
			{ credentials: { caddyAdminApi: { baseUrl: proxy.url } } },
		);

	beforeAll(async () => {
		caddy = await startCaddy();
		proxy = await startResettingProxy(caddy.adminPort);
		alpha = await startUpstream('alpha');
		beta = await startUpstream('beta');
	});

	afterAll(async () => {
		await proxy?.close();
		await caddy?.stop();
		await alpha?.close();
		await beta?.close();
	});

	it('sends a route replaced by id again after resets: replacing with the same value is idempotent', async () => {
		const created = await upsert(alpha.port);
		expect(created.error).toBeUndefined();
		expect(created.json[0]).toMatchObject({ action: 'created' });
		proxy.resetWhen = { prefix: 'PATCH /id/', resets: 2 };
		const updated = await upsert(beta.port);
		expect(updated.error).toBeUndefined();
		expect(updated.json[0]).toMatchObject({ action: 'updated' });
		expect(proxy.resetWhen.resets).toBe(0);
		expect(proxy.seen.filter((line) => line.startsWith('PATCH /id/'))).toHaveLength(3);
		await caddy.expectServed('reset.example.test', '/r', 'beta /r');
	});

	it('never sends a POST again: it may have landed, and Caddy would append it twice', async () => {
		const before = proxy.seen.length;
		proxy.resetWhen = { prefix: 'POST ', resets: 1 };
		const ensured = await runNode(
			'caddyRoute',
			{
				resource: 'server',
				operation: 'ensure',
				serverName: 'second',
				listen: `127.0.0.1:${await freePort()}`,
				automaticHttps: false,
			},
			{ credentials: { caddyAdminApi: { baseUrl: proxy.url } } },
		);
		expect(ensured.error?.message).toMatch(/Caddy admin API unreachable/);
		const posts = proxy.seen.slice(before).filter((line) => line.startsWith('POST '));
		expect(posts).toHaveLength(1);
	});
});
