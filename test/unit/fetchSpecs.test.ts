/**
 * The contributor path to the official API descriptions: scripts/fetch-specs.ts keeps only files with the
 * pinned checksum (served here by a loopback HTTP server, never the internet), and the tests find the
 * descriptions in the shared folder first, then in the fetched one, or say which command gets them.
 */
import { createHash } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fetchSpecs } from '../../scripts/fetch-specs';
import { API_SPECS, locateSpec, missingSpecsMessage } from '../simulators/core/specs';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('fetch-specs', () => {
	const served: Record<string, string> = {
		'/good.json': '{"openapi":"3.0.0"}',
		'/tampered.json': '{"openapi":"3.0.0","evil":true}',
	};
	const hits: string[] = [];
	let server: Server;
	let base: string;
	let dir: string;

	beforeAll(async () => {
		server = createServer((request, response) => {
			hits.push(request.url ?? '');
			const body = served[request.url ?? ''];
			response.writeHead(body === undefined ? 404 : 200).end(body);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await new Promise((resolve) => server.close(resolve));
	});
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'hli-specs-'));
		hits.length = 0;
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	const good = () => ({
		file: 'good.json',
		url: `${base}/good.json`,
		sha256: sha256(served['/good.json']),
	});

	it('writes a description whose checksum matches, and leaves no partial file', async () => {
		expect(await fetchSpecs(dir, [good()])).toEqual([{ file: 'good.json', outcome: 'fetched' }]);
		expect(readFileSync(join(dir, 'good.json'), 'utf8')).toBe(served['/good.json']);
		expect(readdirSync(dir)).toEqual(['good.json']);
	});

	it('refuses a download whose checksum differs, writing nothing', async () => {
		const spec = { ...good(), url: `${base}/tampered.json` };
		const [result] = await fetchSpecs(dir, [spec]);
		expect(result).toMatchObject({ file: 'good.json', outcome: 'failed' });
		expect(result.reason).toContain(spec.sha256);
		expect(readdirSync(dir)).toEqual([]);
	});

	it('reports an HTTP error and goes on with the next file', async () => {
		const missing = { ...good(), file: 'missing.json', url: `${base}/missing.json` };
		const results = await fetchSpecs(dir, [missing, good()]);
		expect(results).toEqual([
			{ file: 'missing.json', outcome: 'failed', reason: 'HTTP 404' },
			{ file: 'good.json', outcome: 'fetched' },
		]);
	});

	it('keeps a file that is already right without downloading it, and replaces a wrong one', async () => {
		writeFileSync(join(dir, 'good.json'), served['/good.json']);
		expect(await fetchSpecs(dir, [good()])).toEqual([{ file: 'good.json', outcome: 'present' }]);
		expect(hits).toEqual([]);

		writeFileSync(join(dir, 'good.json'), 'stale');
		expect(await fetchSpecs(dir, [good()])).toEqual([{ file: 'good.json', outcome: 'fetched' }]);
		expect(readFileSync(join(dir, 'good.json'), 'utf8')).toBe(served['/good.json']);
	});

	it('pins every official description to a commit or tag and a SHA-256', () => {
		for (const spec of API_SPECS) {
			expect(spec.url).toMatch(
				/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/(v[\d.]+|[0-9a-f]{40})\//,
			);
			expect(spec.sha256).toMatch(/^[0-9a-f]{64}$/);
		}
	});
});

describe('where the tests find the descriptions', () => {
	let root: string;
	let shared: string;
	let fetched: string;

	beforeEach(() => {
		root = mkdtempSync(join(tmpdir(), 'hli-specdirs-'));
		shared = join(root, 'shared');
		fetched = join(root, 'api-specs');
		mkdirSync(shared);
		mkdirSync(fetched);
	});
	afterEach(() => rmSync(root, { recursive: true, force: true }));

	it('prefers the shared folder and falls back to the fetched one', () => {
		writeFileSync(join(fetched, 'a.json'), '{}');
		expect(locateSpec('a.json', [shared, fetched])).toBe(join(fetched, 'a.json'));
		writeFileSync(join(shared, 'a.json'), '{}');
		expect(locateSpec('a.json', [shared, fetched])).toBe(join(shared, 'a.json'));
		expect(locateSpec('b.json', [shared, fetched])).toBeUndefined();
		expect(existsSync(join(root, 'b.json'))).toBe(false);
	});

	it('says where it looked and which command gets them', () => {
		const message = missingSpecsMessage(['b.json'], [shared, fetched]);
		expect(message).toContain('b.json');
		expect(message).toContain(shared);
		expect(message).toContain(fetched);
		expect(message).toContain('npm run fetch-specs');
	});
});
