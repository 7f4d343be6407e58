import type { AddressInfo } from 'node:net';

import { Server, utils, type Connection } from 'ssh2';

import { fingerprintOf, SshSession } from '../../nodes/SshSetup/transport';

/**
 * An ssh2 server on loopback that answers every exec at once: the exec's confirmation, the exit status,
 * EOF and close leave in one burst, so the client reads them in one go. A quick command on a real server
 * (`true` right after login) sometimes does the same.
 */
async function burstServer(exitCode: (command: string) => number) {
	const hostKey = utils.generateKeyPairSync('ed25519');
	const parsed = utils.parseKey(hostKey.private);
	if (parsed instanceof Error) throw parsed;
	const connections = new Set<Connection>();
	const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
		connections.add(client);
		client.on('authentication', (context) => context.accept());
		client.on('session', (accept) => {
			accept().on('exec', (acceptExec, _reject, info) => {
				const channel = acceptExec();
				channel.exit(exitCode(info.command));
				channel.end();
			});
		});
		client.on('error', () => undefined);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as AddressInfo).port,
		fingerprint: fingerprintOf(parsed.getPublicSSH()),
		close: async () => {
			for (const connection of connections) connection.end();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

describe('SSH transport against a server that answers in one burst', () => {
	it('reads the exit status of every quick command', async () => {
		const server = await burstServer((command) => (command.includes('fail') ? 3 : 0));
		const clientKey = utils.generateKeyPairSync('ed25519');
		const session = await SshSession.open({
			host: '127.0.0.1',
			port: server.port,
			username: 'root',
			privateKey: clientKey.private,
			fingerprint: server.fingerprint,
		});
		try {
			const codes: number[] = [];
			for (let n = 0; n < 10; n++) codes.push((await session.run(n % 5 === 4 ? 'fail' : 'true')).code);
			expect(codes).toEqual(Array.from({ length: 10 }, (_, n) => (n % 5 === 4 ? 3 : 0)));
		} finally {
			session.close();
			await server.close();
		}
	});
});
