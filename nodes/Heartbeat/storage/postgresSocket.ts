import { Socket } from 'node:net';

/** Type byte plus the 4-byte big-endian length that counts itself but not the type byte. */
const HEADER_BYTES = 5;
const BUFFER_BYTES = 64 * 1024;

// pg keeps views into its input only for these messages: CopyData (its payload) and Authentication
// (the MD5 salt, used after an await). They get their own copy; every other message is decoded at once.
const KEPT_BY_PG = new Set(['d'.charCodeAt(0), 'R'.charCodeAt(0)]);

type Emit = (messages: Buffer) => void;

/**
 * Cuts the server's byte stream into runs of whole protocol messages. pg's parser keeps a reference to its
 * input only while a message in it is incomplete, so a run of whole messages is parsed and let go before
 * the next read overwrites the buffer. A message split across reads is put together in `partial`, reused.
 */
export class MessageFramer {
	private partial = Buffer.allocUnsafe(BUFFER_BYTES);

	private partialLength = 0;

	/** Hands `emit` every whole message in `bytes[0, length)`, plus one completed from earlier reads. */
	push(bytes: Buffer, length: number, emit: Emit): void {
		let offset = this.partialLength ? this.completePartial(bytes, length, emit) : 0;
		if (offset < 0) return;
		let runStart = offset;
		while (offset + HEADER_BYTES <= length) {
			const end = offset + 1 + bytes.readUInt32BE(offset + 1);
			if (end > length) break;
			if (KEPT_BY_PG.has(bytes[offset])) {
				if (offset > runStart) emit(bytes.subarray(runStart, offset));
				emit(Buffer.from(bytes.subarray(offset, end)));
				runStart = end;
			}
			offset = end;
		}
		if (offset > runStart) emit(bytes.subarray(runStart, offset));
		if (offset < length) this.keep(bytes, offset, length);
	}

	/** Adds the start of `bytes` to the partial message; returns where the rest begins, or -1 if all was taken. */
	private completePartial(bytes: Buffer, length: number, emit: Emit): number {
		let offset = 0;
		if (this.partialLength < HEADER_BYTES) {
			offset = Math.min(HEADER_BYTES - this.partialLength, length);
			this.append(bytes, 0, offset);
			if (this.partialLength < HEADER_BYTES) return -1;
		}
		const messageLength = 1 + this.partial.readUInt32BE(1);
		const taken = Math.min(messageLength - this.partialLength, length - offset);
		this.append(bytes, offset, offset + taken);
		offset += taken;
		if (this.partialLength < messageLength) return -1;
		const message = this.partial.subarray(0, messageLength);
		emit(KEPT_BY_PG.has(message[0]) ? Buffer.from(message) : message);
		this.partialLength = 0;
		// A buffer grown for one large message is not kept for the life of the connection.
		if (this.partial.length > BUFFER_BYTES) this.partial = Buffer.allocUnsafe(BUFFER_BYTES);
		return offset;
	}

	private keep(bytes: Buffer, start: number, end: number): void {
		this.partialLength = 0;
		this.append(bytes, start, end);
	}

	private append(bytes: Buffer, start: number, end: number): void {
		const needed = this.partialLength + (end - start);
		const declared = this.partialLength >= HEADER_BYTES ? 1 + this.partial.readUInt32BE(1) : 0;
		if (Math.max(needed, declared) > this.partial.length) {
			const grown = Buffer.allocUnsafe(Math.max(needed, declared));
			this.partial.copy(grown, 0, 0, this.partialLength);
			this.partial = grown;
		}
		bytes.copy(this.partial, this.partialLength, start, end);
		this.partialLength = needed;
	}
}

/**
 * A plain TCP socket for pg that reads into one reused buffer. Node otherwise allocates a new buffer for
 * every read, freed only by a garbage collection; a drain moves hundreds of MB of bodies through the
 * socket, so tens of MB of read buffers waited for V8's next young-generation collection. The socket
 * emits `data` itself, one run of whole messages at a time (see MessageFramer). Not for TLS: pg wraps
 * the socket and reads its one-byte SSL answer before any message.
 */
export function reusedBufferSocket(): Socket {
	const framer = new MessageFramer();
	const socket: Socket = new Socket({
		onread: {
			buffer: Buffer.allocUnsafe(BUFFER_BYTES),
			// Returning true keeps the socket reading; pg has no back-pressure of its own either.
			callback: (length, bytes) => {
				framer.push(bytes as Buffer, length, (messages) => socket.emit('data', messages));
				return true;
			},
		},
	});
	return socket;
}
