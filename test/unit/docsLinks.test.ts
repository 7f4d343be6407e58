/**
 * The README and docs/ cite only what a clone of the repository has: every relative link reaches a file,
 * every #anchor a heading of that file, and no text cites a numbered section (§) of a document the
 * repository does not carry.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const documents = [
	join(ROOT, 'README.md'),
	...readdirSync(join(ROOT, 'docs'))
		.filter((file) => file.endsWith('.md'))
		.map((file) => join(ROOT, 'docs', file)),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
	const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
	return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => slug(match[1])));
}

describe.each(documents.map((file) => [relative(ROOT, file), file]))('%s', (_name, file) => {
	const text = readFileSync(file, 'utf8');

	it('links only to files and headings the repository has', () => {
		const broken: string[] = [];
		for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
			if (/^[a-z]+:/i.test(target)) continue;
			const [path, anchor] = target.split('#');
			const resolved = path ? join(dirname(file), path) : file;
			if (!existsSync(resolved)) broken.push(target);
			else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor))
				broken.push(target);
		}
		expect(broken).toEqual([]);
	});

	it('cites no numbered section of a document outside the repository', () => {
		expect(text.match(/.{0,40}§.{0,20}/g) ?? []).toEqual([]);
	});
});
