import { randomBytes } from 'node:crypto';

import { MessageFramer } from '../../nodes/Heartbeat/storage/postgresSocket';

/** One protocol message: type byte, length (counting itself), payload. */
function message(type: string, payload: Buffer): Buffer {
	const header = Buffer.alloc(5);
	header.write(type, 0, 'latin1');
	header.writeUInt32BE(payload.length + 4, 1);
	return Buffer.concat([header, payload]);
}

/** Splits a run of messages at their boundaries; fails if the run ends inside a message. */
function wholeMessages(run: Buffer): Buffer[] {
	const messages: Buffer[] = [];
	let offset = 0;
	while (offset < run.length) {
		expect(run.length - offset).toBeGreaterThanOrEqual(5);
		const end = offset + 1 + run.readUInt32BE(offset + 1);
		expect(end).toBeLessThanOrEqual(run.length);
		messages.push(run.subarray(offset, end));
		offset = end;
	}
	return messages;
}

/**
 * Feeds `stream` to a framer the way the socket does: every read lands in the same buffer, which the next
 * read overwrites. Each emitted run is checked and copied at once, as pg parses it at once. Runs of the
 * messages pg keeps (CopyData, Authentication) are held as emitted, to be compared after all reads.
 */
function frame(stream: Buffer, readSizes: (position: number) => number) {
	const framer = new MessageFramer();
	const reads = Buffer.alloc(64 * 1024);
	const copied: Buffer[] = [];
	const kept: Array<{ run: Buffer; copy: Buffer }> = [];
	for (let position = 0; position < stream.length;) {
		const size = Math.min(readSizes(position), stream.length - position, reads.length);
		reads.fill(0xee);
		stream.copy(reads, 0, position, position + size);
		position += size;
		framer.push(reads, size, (run) => {
			for (const one of wholeMessages(run)) {
				if (one[0] === 0x64 || one[0] === 0x52) {
					expect(one.buffer).not.toBe(reads.buffer);
					kept.push({ run: one, copy: Buffer.from(one) });
				}
			}
			copied.push(Buffer.from(run));
		});
	}
	return { output: Buffer.concat(copied), kept };
}

describe('MessageFramer (reads of the PostgreSQL connection into one reused buffer)', () => {
	const sample = Buffer.concat([
		message('R', Buffer.from([0, 0, 0, 5, 1, 2, 3, 4])),
		message('1', Buffer.alloc(0)),
		message('D', randomBytes(300)),
		message('d', randomBytes(40)),
		message('D', randomBytes(7)),
		message('Z', Buffer.from('I')),
	]);

	test('every split of a stream into two reads gives back the same bytes, in whole messages', () => {
		for (let split = 1; split < sample.length; split++) {
			const { output, kept } = frame(sample, (position) =>
				position === 0 ? split : sample.length,
			);
			expect(output.equals(sample)).toBe(true);
			expect(kept).toHaveLength(2);
		}
	});

	test('one byte per read: headers and payloads split everywhere', () => {
		const { output, kept } = frame(sample, () => 1);
		expect(output.equals(sample)).toBe(true);
		for (const { run, copy } of kept) expect(run.equals(copy)).toBe(true);
	});

	test('random reads over messages up to 300 KB (larger than the read buffer), kept messages intact', () => {
		const types = ['D', 'd', 'R', 'C', 'T'];
		for (let round = 0; round < 20; round++) {
			const messages = Array.from({ length: 40 }, (_, n) => {
				const size =
					n % 13 === 0
						? 64 * 1024 + Math.floor(Math.random() * 240_000)
						: Math.floor(Math.random() * 9000);
				return message(types[Math.floor(Math.random() * types.length)], randomBytes(size));
			});
			const stream = Buffer.concat(messages);
			const { output, kept } = frame(stream, () => 1 + Math.floor(Math.random() * 64 * 1024));
			expect(output.equals(stream)).toBe(true);
			expect(kept.length).toBe(messages.filter((one) => one[0] === 0x64 || one[0] === 0x52).length);
			for (const { run, copy } of kept) expect(run.equals(copy)).toBe(true);
		}
	});
});
