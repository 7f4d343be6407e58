import { createSocket, type Socket } from 'node:dgram';
import { setServers, getServers } from 'node:dns';

/** What the test DNS server answers for one name. */
export interface DnsAnswer {
	a?: string[];
	aaaa?: string[];
	/** Wait this long before answering (a slow resolver). */
	delayMs?: number;
	/** Answer with this response code instead (2 SERVFAIL, 5 REFUSED). */
	rcode?: number;
}

export interface TestDns {
	port: number;
	/** Sets (or replaces) what a name answers; unknown names get NXDOMAIN. */
	set(name: string, answer: DnsAnswer): void;
	queries: string[];
	/** Points this process's resolver (`dns.getServers()`) at this server until `close`. */
	useForThisProcess(): void;
	close(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;

function ipv4Bytes(address: string): Buffer {
	return Buffer.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string): Buffer {
	const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
	const headGroups = head ? head.split(':') : [];
	const tailGroups = tail ? tail.split(':') : [];
	const fill = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill('0');
	const bytes = Buffer.alloc(16);
	[...headGroups, ...fill, ...tailGroups].forEach((g, i) =>
		bytes.writeUInt16BE(parseInt(g, 16), i * 2),
	);
	return bytes;
}

function readQuestion(query: Buffer): { name: string; type: number; end: number } {
	const labels: string[] = [];
	let offset = 12;
	while (query[offset] !== 0) {
		const length = query[offset];
		labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
		offset += length + 1;
	}
	return {
		name: labels.join('.').toLowerCase(),
		type: query.readUInt16BE(offset + 1),
		end: offset + 5,
	};
}

function respond(query: Buffer, answer: DnsAnswer | undefined): Buffer {
	const { type, end } = readQuestion(query);
	const header = Buffer.alloc(12);
	query.copy(header, 0, 0, 2);
	const rcode = answer ? (answer.rcode ?? 0) : 3;
	const addresses =
		rcode === 0
			? ((type === TYPE_A ? answer?.a : type === TYPE_AAAA ? answer?.aaaa : []) ?? [])
			: [];
	// QR, opcode 0, AA, RD copied; RA; rcode
	header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | rcode, 2);
	header.writeUInt16BE(1, 4);
	header.writeUInt16BE(addresses.length, 6);
	const records = addresses.map((address) => {
		const data = type === TYPE_A ? ipv4Bytes(address) : ipv6Bytes(address);
		const record = Buffer.alloc(12);
		record.writeUInt16BE(0xc00c, 0);
		record.writeUInt16BE(type, 2);
		record.writeUInt16BE(1, 4);
		record.writeUInt32BE(1, 6);
		record.writeUInt16BE(data.length, 10);
		return Buffer.concat([record, data]);
	});
	return Buffer.concat([header, query.subarray(12, end), ...records]);
}

/** An authoritative-style DNS server on a loopback UDP port, answering A/AAAA from a table the test sets. */
export async function startTestDns(): Promise<TestDns> {
	const answers = new Map<string, DnsAnswer>();
	const queries: string[] = [];
	const socket: Socket = createSocket('udp4');
	const timers = new Set<NodeJS.Timeout>();
	let previousServers: string[] | undefined;
	socket.on('message', (query, peer) => {
		if (query.length < 17) return;
		const { name } = readQuestion(query);
		queries.push(name);
		const answer = answers.get(name);
		const send = () => socket.send(respond(query, answer), peer.port, peer.address);
		if (answer?.delayMs) {
			const timer = setTimeout(() => {
				timers.delete(timer);
				send();
			}, answer.delayMs);
			timers.add(timer);
		} else send();
	});
	await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
	const port = socket.address().port;
	return {
		port,
		queries,
		set(name, answer) {
			answers.set(name.toLowerCase(), answer);
		},
		useForThisProcess() {
			previousServers ??= getServers();
			setServers([`127.0.0.1:${port}`]);
		},
		async close() {
			for (const timer of timers) clearTimeout(timer);
			if (previousServers) setServers(previousServers);
			await new Promise<void>((resolve) => socket.close(() => resolve()));
		},
	};
}
