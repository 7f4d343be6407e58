/**
 * SSH Setup's modules import one another without cycles. Type-only imports count: they tie the files
 * together just the same (a step that needs the probe's types must not be needed by the probe).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { preProcessFile } from 'typescript';

const ROOT = resolve(__dirname, '../../nodes/SshSetup');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

/** The files under ROOT that `file` imports (relative specifiers resolved the way TypeScript does). */
function localImports(file: string): string[] {
	const { importedFiles } = preProcessFile(readFileSync(file, 'utf8'), true, true);
	return importedFiles
		.map(({ fileName }) => fileName)
		.filter((specifier) => specifier.startsWith('.'))
		.map((specifier) => resolve(dirname(file), specifier))
		.map((base) => [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path)))
		.filter((path): path is string => path !== undefined && path.startsWith(ROOT));
}

/** Every cycle found by a depth-first walk, each as the chain of files that closes it. */
function importCycles(files: string[]): string[][] {
	const graph = new Map(files.map((file) => [file, localImports(file)]));
	const done = new Set<string>();
	const cycles: string[][] = [];
	const visit = (file: string, chain: string[]): void => {
		const at = chain.indexOf(file);
		if (at >= 0) {
			cycles.push([...chain.slice(at), file]);
			return;
		}
		if (done.has(file)) return;
		for (const next of graph.get(file) ?? []) visit(next, [...chain, file]);
		done.add(file);
	};
	for (const file of files) visit(file, []);
	return cycles.map((cycle) => cycle.map((file) => relative(ROOT, file)));
}

describe('SSH Setup module graph', () => {
	it('sees type-only imports and folder imports (so an empty cycle list means something)', () => {
		const importsOf = (file: string) =>
			localImports(join(ROOT, file)).map((path) => relative(ROOT, path));
		expect(importsOf('helpers/harden/firewall.ts')).toContain('helpers/harden/profile.ts');
		expect(importsOf('SshSetup.node.ts')).toContain('methods/index.ts');
	});

	it('has no import cycles', () => {
		expect(importCycles(sourceFiles(ROOT))).toEqual([]);
	});
});
