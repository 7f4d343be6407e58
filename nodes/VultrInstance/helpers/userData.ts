import { InputError, toList } from '../../../lib/validation';
import { generateHostKey, type HostKeyPair } from './hostKey';
import { quoted } from '../../../lib/errors';

export type UserDataMode = 'none' | 'raw' | 'cloudInit';

export interface UserDataInput {
	mode: UserDataMode;
	raw: string;
	packages: unknown;
	upgrade: boolean;
	pinHostKey: boolean;
	hostname?: string;
}

export interface UserDataResult {
	/** base64, as Vultr expects it; undefined for none. */
	encoded?: string;
	hostKeyFingerprint?: string;
	hostKeyPublic?: string;
}

const PACKAGE = /^[a-z0-9][a-z0-9+.-]{0,99}$/;

/** Validates the packages first, so bad input fails before a key pair is made or anything is sent. */
export function parsePackages(field: string, raw: unknown): string[] {
	return toList(raw).map((name) => {
		if (!PACKAGE.test(name))
			throw new InputError(field, `${quoted(name)} is not a Debian/Ubuntu package name`);
		return name;
	});
}

/**
 * cloud-init's user data: `#cloud-config` and one JSON document, which YAML reads as it is, so every
 * value arrives exactly as given. The pinned host key replaces the keys cloud-init would generate.
 */
function cloudConfig(
	settings: { hostname?: string; upgrade: boolean; packages: string[] },
	hostKey?: HostKeyPair,
): string {
	const config = {
		...(settings.hostname ? { hostname: settings.hostname, preserve_hostname: false } : {}),
		package_update: true,
		package_upgrade: settings.upgrade,
		...(settings.packages.length ? { packages: settings.packages } : {}),
		...(hostKey
			? {
					ssh_deletekeys: true,
					ssh_genkeytypes: [],
					ssh_keys: { ed25519_private: hostKey.privateKey, ed25519_public: hostKey.publicKey },
				}
			: {}),
	};
	return `#cloud-config\n${JSON.stringify(config, null, 2)}\n`;
}

export function buildUserData(input: UserDataInput): UserDataResult {
	if (input.pinHostKey && input.mode !== 'cloudInit') {
		throw new InputError(
			'Pin Host Key',
			'needs User Data set to "Cloud-Init Template" (the key travels in cloud-init)',
		);
	}
	if (input.mode === 'none') return {};
	if (input.mode === 'raw') {
		if (!input.raw.trim()) throw new InputError('User Data', 'is empty; choose "None" instead');
		if (Buffer.byteLength(input.raw) > 65_535)
			throw new InputError('User Data', 'is larger than 64 KiB');
		return { encoded: Buffer.from(input.raw).toString('base64') };
	}
	const packages = parsePackages('Packages', input.packages);
	const hostKey = input.pinHostKey ? generateHostKey(input.hostname ?? 'vultr') : undefined;
	const text = cloudConfig({ hostname: input.hostname, upgrade: input.upgrade, packages }, hostKey);
	return {
		encoded: Buffer.from(text).toString('base64'),
		hostKeyFingerprint: hostKey?.fingerprint,
		hostKeyPublic: hostKey?.publicKey,
	};
}
