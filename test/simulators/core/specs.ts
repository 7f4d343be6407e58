/**
 * The official API descriptions that the simulators and the conformance checks read. CI has them in the
 * shared folder beside the checkout; a clone of the public repository gets the same files with
 * `npm run fetch-specs` (scripts/fetch-specs.ts), which downloads them from the pinned URLs below into the
 * git-ignored `api-specs/` folder. Tests never download anything.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

export interface ApiSpec {
	file: string;
	/** The public origin, pinned to a commit or tag so the bytes never change under the tests. */
	url: string;
	sha256: string;
}

export const API_SPECS: ApiSpec[] = [
	{
		file: 'vultr-v2.openapi.json',
		url: 'https://raw.githubusercontent.com/vultr/vultr-python-client/c5478279570c2fca551cb624a73fde0590e6fcdf/openapi-client/swagger.json',
		sha256: 'ca047fe1dadc7c816b357b7ce1113516552f2104e01734eab85e005dbbe9c43d',
	},
	{
		file: 'tailscale-api-v2.openapi.yaml',
		url: 'https://raw.githubusercontent.com/tailguard/tailscale-api-ts/66a82e5bc5c08d15a2a89c92e1a0c3deb43965e0/tailscale-api.yaml',
		sha256: '17c97dceb9fca8e6b65dedb632c37917ac0c04d1aca590a2c7b2a46e2b3defed',
	},
	{
		file: 'headscale-v1.swagger.json',
		url: 'https://raw.githubusercontent.com/juanfont/headscale/v0.29.2/gen/openapiv2/headscale/v1/headscale.swagger.json',
		sha256: '08f9b761ef4bf8ed763c13d7962a86025d43f53aecae164b1c35377f7bd630b7',
	},
];

/** The folder `npm run fetch-specs` fills (git-ignored). */
export const FETCHED_SPECS_DIR = join(ROOT, 'api-specs');

/** Where the descriptions are looked for, the first that has a file wins: ../shared/specs, then api-specs/. */
export const SPEC_DIRS = [join(ROOT, '..', 'shared', 'specs'), FETCHED_SPECS_DIR];

export function locateSpec(file: string, dirs: string[] = SPEC_DIRS): string | undefined {
	return dirs.map((dir) => join(dir, file)).find((path) => existsSync(path));
}

/** Why a test that needs these descriptions cannot run, and the one command that fixes it. */
export function missingSpecsMessage(files: string[], dirs: string[] = SPEC_DIRS): string {
	return (
		`API descriptions ${files.join(', ')} not found in ${dirs.join(' or ')}. ` +
		'Run `npm run fetch-specs` once (it downloads them from their official public URLs into api-specs/)'
	);
}
