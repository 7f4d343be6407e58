import { quote } from '../../../lib/shell';
import type { SshSession } from '../transport';
import { missingPackages } from './files';

/** A vendor's signed apt repository: its key goes to its own keyring, used only for that source. */
export interface AptRepository {
	/** Names the keyring and the sources entry, e.g. "tailscale". */
	name: string;
	/** Where the signing key is downloaded from (armored keys are kept as .asc, binary ones as .gpg). */
	keyUrl: string;
	armored: boolean;
	/** The `deb` line without `[signed-by=…]`. */
	source: string;
}

/** `$DISTRO` and `$CODENAME` in the key URL and source become the server's os-release ID and codename. */
const EXPAND = `expand() { printf %s "$1" | sed -e "s/[$]CODENAME/$VERSION_CODENAME/g" -e "s/[$]DISTRO/$ID/g"; }`;

/**
 * Installs `packages` from the vendor repository when any is missing: keyring and sources entry
 * written (download, then rename, so a failed download leaves nothing half-written), lists refreshed,
 * packages installed. Returns the packages that were installed (none when all were present).
 */
export async function installFromRepository(
	session: SshSession,
	repo: AptRepository,
	packages: string[],
): Promise<string[]> {
	const missing = await missingPackages(session, packages);
	if (!missing.length) return [];
	const keyring = `/etc/apt/keyrings/${repo.name}.${repo.armored ? 'asc' : 'gpg'}`;
	const sources = `/etc/apt/sources.list.d/${repo.name}.list`;
	await session.check(
		`Installing ${missing.join(', ')} from the ${repo.name} repository`,
		`set -e
export DEBIAN_FRONTEND=noninteractive
. /etc/os-release
${EXPAND}
install -d -m 0755 /etc/apt/keyrings
new=$(mktemp /etc/apt/keyrings/.hli-new.XXXXXX); trap 'rm -f "$new"' EXIT
curl -fsSL --max-time 60 "$(expand ${quote(repo.keyUrl)})" -o "$new"
chmod 0644 "$new"; mv -f "$new" ${quote(keyring)}; trap - EXIT
printf 'deb [signed-by=%s] %s\\n' ${quote(keyring)} "$(expand ${quote(repo.source)})" > ${quote(sources)}
apt-get -q -o DPkg::Lock::Timeout=300 update >&2
apt-get -q -o DPkg::Lock::Timeout=300 install -y ${missing.map(quote).join(' ')} >&2`,
	);
	return missing;
}
