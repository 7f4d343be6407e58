import type { AddressInfo } from 'node:net';

import { Server, utils, type Connection, type ServerChannel } from 'ssh2';

import { quote } from '../../lib/shell';
import { fingerprintOf } from '../../lib/ssh-fingerprint';
import { SshSession, type SshTarget } from '../../nodes/SshSetup/transport';
import { readableKeyPair } from '../support/sshKeys';

/** What the loopback server does with a command: every answer leaves at once, in one burst. */
type Behaviour = (channel: ServerChannel, connection: Connection) => void;

const behaviours: Record<string, Behaviour> = {
	true: (channel) => {
		channel.exit(0);
		channel.end();
	},
	fail: (channel) => {
		channel.exit(3);
		channel.end();
	},
	killed: (channel) => {
		channel.exit('TERM');
		channel.end();
	},
	'no-status': (channel) => channel.end(),
	'drop-connection': (_channel, connection) => connection.end(),
	// Runs until the client's timeout or cancel ends it.
	hang: () => undefined,
	// Prints until the client goes away.
	flood: (channel) => {
		const chunk = Buffer.alloc(1024 * 1024, 'y');
		const more = () => {
			while (channel.writable && channel.write(chunk));
			if (channel.writable) channel.once('drain', more);
		};
		channel.on('error', () => undefined);
		more();
	},
};

/** Exec requests the server never answers at all. */
const NEVER_STARTS = 'never-starts';

/**
 * An ssh2 server on loopback. The exec's confirmation, the exit status, EOF and close leave together, so
 * the client reads them in one go, as it sometimes does from a real server for a quick command.
 */
async function loopbackServer() {
	const hostKey = readableKeyPair();
	const parsed = utils.parseKey(hostKey.private);
	if (parsed instanceof Error) throw parsed;
	const connections = new Set<Connection>();
	const server = new Server({ hostKeys: [hostKey.private] }, (connection) => {
		connections.add(connection);
		connection.on('authentication', (context) => context.accept());
		connection.on('session', (accept) => {
			accept().on('exec', (acceptExec, reject, info) => {
				if (info.command === `bash -c ${quote(NEVER_STARTS)}`) return;
				const behaviour = Object.entries(behaviours).find(
					([name]) => info.command === `bash -c ${quote(name)}`,
				);
				if (behaviour) behaviour[1](acceptExec(), connection);
				else reject();
			});
		});
		connection.on('error', () => undefined);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const clientKey = readableKeyPair();
	const target: SshTarget = {
		host: '127.0.0.1',
		port: (server.address() as AddressInfo).port,
		username: 'root',
		privateKey: clientKey.private,
		fingerprint: fingerprintOf(parsed.getPublicSSH()),
	};
	return {
		target,
		close: async () => {
			for (const connection of connections) connection.end();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

describe('SSH transport against a loopback ssh2 server', () => {
	let server: Awaited<ReturnType<typeof loopbackServer>>;
	beforeAll(async () => {
		server = await loopbackServer();
	});
	afterAll(async () => {
		await server?.close();
	});

	const withSession = async (
		work: (session: SshSession) => Promise<void>,
		extra: Partial<SshTarget> = {},
	) => {
		const session = await SshSession.open({ ...server.target, ...extra });
		try {
			await work(session);
		} finally {
			session.close();
		}
	};

	it('reads the exit status of quick commands whose status comes with the exec confirmation', async () => {
		await withSession(async (session) => {
			const codes: number[] = [];
			for (let n = 0; n < 10; n++)
				codes.push((await session.run(n % 5 === 4 ? 'fail' : 'true')).code);
			expect(codes).toEqual([0, 0, 0, 0, 3, 0, 0, 0, 0, 3]);
			await expect(session.check('Checking', 'fail')).rejects.toThrow(
				'Checking failed with exit code 3',
			);
		});
	});

	it('tells a signal, a missing exit status and a lost connection apart, naming the step', async () => {
		await withSession(async (session) => {
			await expect(session.run('killed')).rejects.toThrow('The command was ended by SIGTERM');
			await expect(session.check('Probing', 'no-status')).rejects.toThrow(
				"Probing: The server closed the command's channel without an exit status",
			);
			await expect(session.run('drop-connection')).rejects.toThrow(
				`The SSH connection to 127.0.0.1:${server.target.port} closed before the command finished`,
			);
			await expect(session.run('true')).rejects.toThrow(
				`The SSH connection to 127.0.0.1:${server.target.port}`,
			);
		});
	});

	it('stops a command that prints without end, and the session goes on', async () => {
		await withSession(async (session) => {
			await expect(session.run('flood')).rejects.toThrow(
				'The command printed more than 64 MiB and was stopped',
			);
			expect((await session.run('true')).code).toBe(0);
		});
	});

	it('ends a command at its timeout, also one the server never starts, and at once when cancelled', async () => {
		await withSession(
			async (session) => {
				const started = Date.now();
				await expect(session.run('hang')).rejects.toThrow('The command timed out after 300 ms');
				await expect(session.run(NEVER_STARTS)).rejects.toThrow(
					'The command did not start within 300 ms',
				);
				expect(Date.now() - started).toBeLessThan(3_000);
				expect((await session.run('true')).code).toBe(0);
			},
			{ commandTimeoutMs: 300 },
		);
		for (const command of ['hang', NEVER_STARTS]) {
			const cancel = new AbortController();
			await withSession(
				async (session) => {
					const started = Date.now();
					setTimeout(() => cancel.abort(), 100);
					await expect(session.check('Waiting', command)).rejects.toThrow(
						'Waiting: The execution was cancelled',
					);
					expect(Date.now() - started).toBeLessThan(3_000);
					await expect(session.run('true')).rejects.toThrow('The execution was cancelled');
				},
				{ signal: cancel.signal },
			);
		}
	});
});
