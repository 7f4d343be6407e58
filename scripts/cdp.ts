/**
 * A headless Chromium driven over the Chrome DevTools Protocol with Node's own WebSocket and fetch (no
 * browser-automation package). Chromium runs with a fresh profile, no background networking, and every
 * request that leaves `allowedOrigin` is failed and recorded, so a page can reach nothing but the server
 * under test. Stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const START_TIMEOUT_MS = 30_000;
const CALL_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

type Params = Record<string, unknown>;
interface Message {
	id?: number;
	method?: string;
	params?: Params;
	result?: Params;
	error?: { message: string };
	sessionId?: string;
}

async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

export class Page {
	private nextId = 1;
	private readonly pending = new Map<
		number,
		{ resolve: (result: Params) => void; reject: (error: Error) => void }
	>();
	private readonly listeners = new Set<(message: Message) => void>();
	/** Requests the page tried to send anywhere but the allowed origin (all of them failed). */
	readonly blocked: string[] = [];

	constructor(
		private readonly socket: WebSocket,
		private sessionId = '',
	) {
		socket.addEventListener('message', (event) => {
			const message = JSON.parse(String(event.data)) as Message;
			const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
			if (waiting) {
				this.pending.delete(message.id!);
				if (message.error) waiting.reject(new Error(message.error.message));
				else waiting.resolve(message.result ?? {});
			}
			for (const listener of this.listeners) listener(message);
		});
	}

	async send(method: string, params: Params = {}, session = this.sessionId): Promise<Params> {
		const id = this.nextId++;
		const reply = new Promise<Params>((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			setTimeout(() => {
				if (this.pending.delete(id))
					reject(new Error(`${method}: no answer within ${CALL_TIMEOUT_MS} ms`));
			}, CALL_TIMEOUT_MS);
		});
		this.socket.send(
			JSON.stringify({ id, method, params, ...(session ? { sessionId: session } : {}) }),
		);
		return await reply;
	}

	/** Opens a tab whose every request outside `allowedOrigin` fails. */
	async open(allowedOrigin: string, width: number, height: number): Promise<void> {
		const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
		const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
		this.sessionId = String(sessionId);
		this.listeners.add((message) => {
			if (message.method !== 'Fetch.requestPaused' || message.sessionId !== this.sessionId) return;
			const { requestId, request } = message.params as {
				requestId: string;
				request: { url: string };
			};
			const allowed =
				request.url.startsWith(`${allowedOrigin}/`) || /^(data|blob):/.test(request.url);
			if (!allowed) this.blocked.push(request.url);
			void this.send(
				allowed ? 'Fetch.continueRequest' : 'Fetch.failRequest',
				allowed ? { requestId } : { requestId, errorReason: 'BlockedByClient' },
			).catch(() => undefined);
		});
		await this.send('Fetch.enable', { patterns: [{ urlPattern: '*' }] });
		await this.send('Page.enable');
		await this.send('Runtime.enable');
		await this.send('Emulation.setDeviceMetricsOverride', {
			width,
			height,
			deviceScaleFactor: 1,
			mobile: false,
		});
	}

	async goto(url: string): Promise<void> {
		await this.send('Page.navigate', { url });
	}

	/** Evaluates `expression` in the page and returns its (JSON) value. */
	async evaluate<T>(expression: string): Promise<T> {
		const { result, exceptionDetails } = (await this.send('Runtime.evaluate', {
			expression,
			awaitPromise: true,
			returnByValue: true,
		})) as { result: { value: T }; exceptionDetails?: { text: string } };
		if (exceptionDetails) throw new Error(`page script failed: ${exceptionDetails.text}`);
		return result.value;
	}

	/** Polls `expression` until it is truthy; the error names `what`. */
	async waitFor(expression: string, what: string, timeoutMs = 30_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (!(await this.evaluate<boolean>(`Boolean(${expression})`))) {
			if (Date.now() > deadline)
				throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
			await sleep(200);
		}
	}

	/** Types into the focused element as keyboard input, so the page's own handlers see it. */
	async type(text: string): Promise<void> {
		await this.send('Input.insertText', { text });
	}

	async press(key: string, code: string, keyCode: number): Promise<void> {
		for (const type of ['keyDown', 'keyUp'])
			await this.send('Input.dispatchKeyEvent', {
				type,
				key,
				code,
				windowsVirtualKeyCode: keyCode,
			});
	}

	/** A real mouse click at the centre of the first element matching `selector`. */
	async click(selector: string, clickCount = 1): Promise<void> {
		const box = await this.evaluate<{ x: number; y: number } | null>(`(() => {
			const element = document.querySelector(${JSON.stringify(selector)});
			if (!element) return null;
			const r = element.getBoundingClientRect();
			return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
		})()`);
		if (!box) throw new Error(`nothing matches ${selector}`);
		for (const type of ['mousePressed', 'mouseReleased'])
			await this.send('Input.dispatchMouseEvent', { type, ...box, button: 'left', clickCount });
	}

	async screenshot(): Promise<Buffer> {
		const { data } = await this.send('Page.captureScreenshot', { format: 'png' });
		return Buffer.from(String(data), 'base64');
	}
}

export interface Browser {
	page: Page;
	stop(): Promise<void>;
}

export const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--hide-scrollbars',
	'--remote-debugging-address=127.0.0.1',
	'--remote-debugging-port=0',
];

/** Starts Chromium with a fresh profile and a tab that may talk only to `allowedOrigin`. */
export async function launchChromium(
	binary: string,
	allowedOrigin: string,
	viewport: { width: number; height: number },
): Promise<Browser> {
	const profile = mkdtempSync(join(tmpdir(), 'hli-chromium-'));
	const child: ChildProcess = spawn(
		binary,
		[...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, 'about:blank'],
		{
			stdio: ['ignore', 'ignore', 'pipe'],
		},
	);
	let log = '';
	child.stderr?.on('data', (chunk: Buffer) => {
		log = (log + chunk.toString()).slice(-4_000);
	});
	const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			process.kill(child.pid!, 'SIGTERM');
			const timer = setTimeout(
				() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'),
				STOP_GRACE_MS,
			);
			await exited;
			clearTimeout(timer);
		}
		rmSync(profile, { recursive: true, force: true });
	};
	try {
		// Chromium writes the port it chose, then the browser target's path, into the profile.
		const portFile = join(profile, 'DevToolsActivePort');
		const deadline = Date.now() + START_TIMEOUT_MS;
		while (!existsSync(portFile) || readFileSync(portFile, 'utf8').split('\n').length < 2) {
			if (child.exitCode !== null)
				throw new Error(`chromium exited with code ${child.exitCode}:\n${log}`);
			if (Date.now() > deadline)
				throw new Error(`chromium did not start within ${START_TIMEOUT_MS} ms:\n${log}`);
			await sleep(100);
		}
		const [port, path] = readFileSync(portFile, 'utf8').split('\n');
		const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
		await new Promise<void>((resolve, reject) => {
			socket.addEventListener('open', () => resolve(), { once: true });
			socket.addEventListener('error', () => reject(new Error('could not connect to chromium')), {
				once: true,
			});
		});
		const page = new Page(socket);
		await page.open(allowedOrigin, viewport.width, viewport.height);
		return {
			page,
			stop: async () => {
				socket.close();
				await stop();
			},
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
