/**
 * This package installed the way users install it: packed with `npm pack` and unpacked as a community
 * package into `<userFolder>/.n8n/nodes/node_modules/<package>/`, so its node types are
 * `n8n-nodes-homelab-ingress.<node>` as in the exported workflows. Used by scripts/n8n-instance.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { run, withTempDir } from './command';

const PROJECT_DIR = join(__dirname, '..');
const NPM_TIMEOUT_MS = 180_000;
/** Beside the installed package: the SHA-256 of the tarball it was installed from. */
const PACK_DIGEST_FILE = '.homelab-pack-sha256';

const packageJson = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
};

export function sha256(data: string | Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

/**
 * Packs the built package (dist/ must be current: `npm run build`) and installs it as a community
 * package, replacing any earlier copy. Like n8n's own installer, dev, peer and optional dependencies are
 * dropped before `npm install` (n8n-workflow comes from n8n itself) and install scripts never run.
 * `npm pack` writes fixed timestamps, so an unchanged build packs to the same bytes: when the tarball's
 * digest matches the one recorded by the last complete install, that install is kept as it is.
 */
export async function installPackage(userFolder: string, signal?: AbortSignal): Promise<void> {
	const missing = [...packageJson.n8n.nodes, ...packageJson.n8n.credentials].filter(
		(file) => !existsSync(join(PROJECT_DIR, file)),
	);
	if (missing.length > 0)
		throw new Error(`the package is not built (missing ${missing.join(', ')}): run npm run build`);
	const target = join(userFolder, '.n8n', 'nodes', 'node_modules', packageJson.name);
	const digestFile = join(target, PACK_DIGEST_FILE);
	await withTempDir('hli-pack-', async (packDir) => {
		const packed = JSON.parse(
			await run('npm', ['pack', '--json', '--pack-destination', packDir], {
				cwd: PROJECT_DIR,
				timeoutMs: NPM_TIMEOUT_MS,
				signal,
			}),
		) as Array<{ filename: string }>;
		const tarball = join(packDir, packed[0].filename);
		const digest = sha256(readFileSync(tarball));
		if (existsSync(digestFile) && readFileSync(digestFile, 'utf8') === digest) return;
		rmSync(target, { recursive: true, force: true });
		mkdirSync(target, { recursive: true });
		await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], {
			cwd: packDir,
			timeoutMs: NPM_TIMEOUT_MS,
			signal,
		});
		await installRuntimeDependencies(target, signal);
		// Last: an install cut short leaves no digest behind and is redone next time.
		writeFileSync(digestFile, digest);
	});
}

async function installRuntimeDependencies(packageDir: string, signal?: AbortSignal): Promise<void> {
	const manifestPath = join(packageDir, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	await run(
		'npm',
		[
			'install',
			'--omit=dev',
			'--ignore-scripts',
			'--package-lock=false',
			'--no-audit',
			'--no-fund',
			'--prefer-offline',
		],
		{ cwd: packageDir, timeoutMs: NPM_TIMEOUT_MS, signal },
	);
}
