import { createHash } from 'node:crypto';

import { quote } from '../../../lib/shell';
import type { SshSession } from '../transport';

export interface RemoteFile {
	path: string;
	content: string | Buffer;
	/** Octal, e.g. "0644". */
	mode?: string;
	owner?: string;
	group?: string;
	/**
	 * Shell command that must succeed on the new file before it replaces the old one; `$NEW` is its path.
	 * It runs under `set -e`, so any scratch file it makes needs its own trap to be removed on failure.
	 */
	validate?: string;
}

/** A file as a read-only probe saw it: SHA-256 of its content, octal mode ("644"), "owner:group". */
export interface FileState {
	sha256: string;
	mode: string;
	owner: string;
}

/** Whether a probed file already has the wanted content, mode and owner (undefined: the file is missing). */
export function fileMatches(file: RemoteFile, seen: FileState | undefined): boolean {
	if (!seen) return false;
	const mode = Number.parseInt(file.mode ?? '0644', 8).toString(8);
	const owner = `${file.owner ?? 'root'}:${file.group ?? file.owner ?? 'root'}`;
	return (
		seen.sha256 === createHash('sha256').update(file.content).digest('hex') &&
		seen.mode === mode &&
		seen.owner === owner
	);
}

/**
 * Writes a file atomically (temp file in the same folder, then rename) in one round trip, and only
 * when content, mode or owner differ. In check mode it only reports whether it would write.
 * With `probed` (the state of the server's files read earlier) a file already in place costs no round trip.
 */
export async function ensureFile(
	session: SshSession,
	file: RemoteFile,
	checkOnly = false,
	probed?: Map<string, FileState>,
): Promise<boolean> {
	if (probed && fileMatches(file, probed.get(file.path))) return false;
	const mode = file.mode ?? '0644';
	const owner = `${file.owner ?? 'root'}:${file.group ?? file.owner ?? 'root'}`;
	const script = `set -e
path=${quote(file.path)}; mode=${quote(mode)}; owner=${quote(owner)}
dir=$(dirname "$path"); mkdir -p "$dir"
NEW=$(mktemp "$dir/.hli-new.XXXXXX"); trap 'rm -f "$NEW"' EXIT
cat > "$NEW"
if [ -f "$path" ] && cmp -s "$NEW" "$path" && [ "$(stat -c %a "$path")" = "$(printf %o "0$mode")" ] && [ "$(stat -c %U:%G "$path")" = "$owner" ]; then
	echo unchanged; exit 0
fi
${checkOnly ? 'echo changed; exit 0' : ''}
chmod "$mode" "$NEW"; chown "$owner" "$NEW"
${file.validate ? `${file.validate} >&2` : ''}
mv -f "$NEW" "$path"; trap - EXIT
echo changed`;
	const result = await session.check(`Writing ${file.path}`, script, { stdin: file.content });
	return result.stdout.trim().split('\n').pop() === 'changed';
}

/** The packages of `names` that are not installed (dpkg's view, no network). */
export async function missingPackages(session: SshSession, names: string[]): Promise<string[]> {
	const result = await session.run(
		`dpkg-query -W -f='\${Package} \${Status}\\n' ${names.map(quote).join(' ')} 2>/dev/null`,
	);
	const installed = new Set(
		result.stdout
			.split('\n')
			.filter((line) => line.endsWith('install ok installed'))
			.map((line) => line.split(' ')[0].split(':')[0]),
	);
	return names.filter((name) => !installed.has(name));
}

/**
 * Installs packages that are missing; waits for the apt/dpkg lock instead of failing on it.
 * `installed` (from an earlier probe) saves the dpkg query.
 */
export async function ensurePackages(
	session: SshSession,
	names: string[],
	checkOnly: boolean,
	installed?: Set<string>,
): Promise<string[]> {
	const missing = installed
		? names.filter((name) => !installed.has(name))
		: await missingPackages(session, names);
	if (missing.length && !checkOnly) {
		await session.check(
			`Installing ${missing.join(', ')}`,
			`export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 install -y -q ${missing.map(quote).join(' ')}`,
		);
	}
	return missing;
}
