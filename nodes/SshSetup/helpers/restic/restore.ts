import type { IDataObject } from 'n8n-workflow';

import { KindedError, quoted } from '../../../../lib/errors';
import { quote } from '../../../../lib/shell';
import { InputError } from '../../../../lib/validation';
import { DUMP_FUNCTIONS } from './dumps';
import type { BackupSet } from './sets';
import { ownSnapshots, runsOf, tagValue, type Run, type SnapshotJson } from './snapshots';

/**
 * What to restore: with a snapshot id, every chosen set of the run that made it; with `latest`, the
 * newest finished run of each chosen set. Only finished runs (with a manifest) are restored; sets
 * without one are listed as missing.
 */
export function selectRuns(
	all: SnapshotJson[],
	sets: string[],
	snapshotId: string,
): { runs: Run[]; missing: string[] } {
	const runs = runsOf(all);
	let chosen: Run[];
	if (snapshotId === 'latest') {
		chosen = sets.flatMap((set) => runs.find((run) => run.set === set && run.manifest) ?? []);
	} else {
		const matches = ownSnapshots(all).filter((s) => s.id.startsWith(snapshotId));
		if (matches.length > 1)
			throw new InputError(
				'Snapshot',
				`${quoted(snapshotId)} matches several snapshots; give more of the id`,
			);
		const [base] = matches;
		if (!base)
			throw new InputError(
				'Snapshot',
				`no snapshot of this package has the id ${quoted(snapshotId)}`,
				'notFound',
			);
		chosen = runs.filter(
			(run) => run.host === base.hostname && run.time === base.time && sets.includes(run.set),
		);
		const unfinished = chosen.find((run) => !run.manifest && run.set === tagValue(base, 'set'));
		if (unfinished)
			throw new InputError(
				'Snapshot',
				`the ${unfinished.set} backup run that made ${quoted(snapshotId)} never finished (it has no manifest); restore another run`,
				'conflict',
			);
		chosen = chosen.filter((run) => run.manifest);
	}
	return { runs: chosen, missing: sets.filter((set) => !chosen.some((run) => run.set === set)) };
}

export interface RestorePlan {
	runs: Run[];
	/** Absolute folder to restore into, or empty for the original paths (units stopped around it). */
	folder: string;
	sets: BackupSet[];
}

const RESTORE_FUNCTIONS = `${DUMP_FUNCTIONS}
hli_stopped=()
hli_stop_units() {
	local set=$1 unit
	shift
	for unit in "$@"; do
		if systemctl is-active --quiet "$unit"; then
			hli_on_exit_start "$unit"
			systemctl stop "$unit"
			hli_stopped+=("$unit")
			printf 'hli:stopped\\t%s\\t%s\\n' "$set" "$unit"
		fi
	done
}
hli_start_units() {
	local set=$1 unit
	for unit in \${hli_stopped[@]+"\${hli_stopped[@]}"}; do
		systemctl start "$unit"
		printf 'hli:started\\t%s\\t%s\\n' "$set" "$unit"
	done
	hli_stopped=()
	: >"$hli_work/start-on-exit"
}
# A new file next to $1 (same file system, so the final mv is atomic), removed again on failure.
hli_new_file() {
	local dir
	dir=$(dirname "$1")
	mkdir -p "$dir"
	hli_new=$(mktemp "$dir/.hli-restore.XXXXXX")
	hli_on_exit_remove "$hli_new" "$hli_new-journal"
}
# restic 0.14 cannot restore a symlink over an existing one: the snapshot's symlinks go first.
hli_restore_files() {
	local id=$1 target=$2 link
	hli_locked hli_restic ls --json "$id" >"$hli_work/ls"
	sed -n 's/.*"type":"symlink","path":"\\(\\/[^"]*\\)".*/\\1/p' "$hli_work/ls" | while IFS= read -r link; do
		if [ -L "$target$link" ]; then rm -f -- "$target$link"; fi
	done
	hli_locked hli_restic restore "$id" --target "\${target:-/}" --verify >/dev/null
}
hli_sqlite_load() {
	: >"$3"
	rm -f "$3-journal"
	hli_restic dump "$1" "$2" | sqlite3 -bail "$3" >/dev/null
}
# A database rebuilt from its dump in a new file, checked, then moved over the old one with its owner and mode.
hli_restore_sqlite() {
	local id=$1 path=$2 dest=$3
	hli_new_file "$dest"
	hli_locked hli_sqlite_load "$id" "$path" "$hli_new"
	if [ "$(sqlite3 "$hli_new" 'PRAGMA integrity_check')" != ok ]; then
		echo "The database rebuilt for $dest fails PRAGMA integrity_check" >&2
		return 1
	fi
	if [ -e "$dest" ]; then
		chown --reference="$dest" "$hli_new"
		chmod --reference="$dest" "$hli_new"
	else
		chown --reference="$(dirname "$dest")" "$hli_new"
		chmod 0640 "$hli_new"
	fi
	rm -f "$dest-wal" "$dest-shm" "$dest-journal"
	mv -f "$hli_new" "$dest"
}
hli_dump_to_file() {
	local id=$1 path=$2 dest=$3
	hli_new_file "$dest"
	hli_locked hli_restic dump "$id" "$path" >"$hli_new"
	mv -f "$hli_new" "$dest"
}
hli_restore_postgres() {
	hli_restic dump "$1" "$2" | runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 --single-transaction --dbname="$3" >/dev/null
}
hli_restore_n8n() {
	local id=$1 path=$2 what=$3 json
	shift 3
	json=$(hli_locked hli_restic dump "$id" "$path")
	if [ "$json" != '[]' ]; then printf '%s\\n' "$json" | hli_n8n_import "$what" "$@"; fi
}
# The restored /etc/ssh must pass sshd -t, or the one from before the restore is put back.
hli_reload_system() {
	mkdir -p /run/sshd
	if [ -x /usr/sbin/sshd ] && ! /usr/sbin/sshd -t 2>"$hli_work/sshd-t"; then
		rm -rf /etc/ssh
		cp -a "$hli_work/ssh-before" /etc/ssh
		echo 'sshd -t rejected the restored /etc/ssh, so the previous one was put back:' >&2
		cat "$hli_work/sshd-t" >&2
		return 1
	fi
	local unit
	for unit in ssh.service sshd.service; do
		if systemctl is-active --quiet "$unit"; then systemctl reload "$unit"; fi
	done
	sysctl --system >/dev/null 2>&1 || true
	if systemctl is-active --quiet fail2ban.service; then systemctl restart fail2ban.service; fi
	if command -v ufw >/dev/null && ufw status 2>/dev/null | grep -q '^Status: active'; then ufw reload >/dev/null; fi
	for unit in $(systemctl list-units --state=active --plain --no-legend 'wg-quick@*' | awk '{print $1}'); do
		systemctl restart "$unit"
	done
	printf 'hli:hostkey\\t%s\\n' "$(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub 2>/dev/null | awk '{print $2}')"
}`;

/** How one part goes back: files with restic restore, databases rebuilt, other dumps as files. */
/**
 * The path a dump part is written back to comes from the snapshot: only a plain absolute path is
 * accepted (no "..", no shell or glob characters), whatever the repository holds.
 */
function dumpPathOf(part: SnapshotJson): string {
	const path = part.paths[0] ?? '';
	if (
		!/^\/[A-Za-z0-9._/@+-]+$/.test(path) ||
		path.split('/').includes('..') ||
		part.paths.length !== 1
	)
		throw new KindedError(
			'upstream',
			`Snapshot ${part.id.slice(0, 8)} holds ${quoted(part.paths.join(' '))}, not one plain path a dump of this package has`,
		);
	return path;
}

function restorePart(run: Run, part: SnapshotJson, set: BackupSet, folder: string): string {
	const kind = tagValue(part, 'part');
	const id = quote(part.id);
	const into = (dest: string) => quote(`${folder}${dest}`);
	const done = `printf 'hli:restored\\t%s\\t%s\\t%s\\n' ${quote(run.set)} ${quote(kind)} ${id}`;
	if (kind === 'files')
		return `hli_restore_files ${id} ${quote(folder)}
${done}`;
	const path = dumpPathOf(part);
	if (path.startsWith('/homelab-ingress/')) {
		if (!folder && /^\/homelab-ingress\/n8n-(workflows|credentials)\.json$/.test(path)) {
			const n8n = set.dumps.find((dump) => dump.kind === 'n8n');
			const what = kind === 'workflows' ? 'workflow' : 'credentials';
			return `hli_restore_n8n ${id} ${quote(path)} ${what} ${(n8n?.kind === 'n8n' ? n8n.command : ['n8n']).map(quote).join(' ')}
${done}`;
		}
		if (!folder && path.startsWith('/homelab-ingress/postgresql/')) {
			const database = path.replace(/^.*\/|\.sql$/g, '');
			return `hli_locked hli_restore_postgres ${id} ${quote(path)} ${quote(database)}
${done}`;
		}
		if (!folder)
			return `printf 'hli:kept\\t%s\\t%s\\t%s\\n' ${quote(run.set)} ${quote(kind)} ${id}`;
		return `hli_dump_to_file ${id} ${quote(path)} ${into(path)}
${done}`;
	}
	// A SQLite dump is stored under the database's own path plus .sql.
	return `hli_restore_sqlite ${id} ${quote(path)} ${into(path.replace(/\.sql$/, ''))}
${done}`;
}

/** Restores n8n's credentials before the workflows that use them; files before the databases in them. */
const PART_ORDER = ['files', 'database', 'live-config', 'credentials', 'workflows'];

function restoreRun(run: Run, set: BackupSet, folder: string): string {
	const parts = [...run.parts].sort(
		(a, b) => PART_ORDER.indexOf(tagValue(a, 'part')) - PART_ORDER.indexOf(tagValue(b, 'part')),
	);
	const original = !folder;
	return [
		`hli_step ${quote(`Restoring ${run.set}`)}`,
		original && set.units.length
			? `hli_stop_units ${quote(run.set)} ${set.units.map(quote).join(' ')}`
			: '',
		original && set.name === 'system' ? 'cp -a /etc/ssh "$hli_work/ssh-before"' : '',
		...parts.map((part) => restorePart(run, part, set, folder)),
		original && set.name === 'system' ? 'hli_reload_system' : '',
		original ? `hli_start_units ${quote(run.set)}` : '',
	]
		.filter(Boolean)
		.join('\n');
}

/** The system set goes back last: its sshd reload should come after everything else worked. */
const SET_ORDER = ['headscale', 'caddy', 'heartbeat', 'n8n', 'system'];

export function restoreBody(plan: RestorePlan): string {
	const runs = [...plan.runs].sort((a, b) => SET_ORDER.indexOf(a.set) - SET_ORDER.indexOf(b.set));
	return `${RESTORE_FUNCTIONS}
${runs
	.map((run) =>
		restoreRun(
			run,
			plan.sets.find((set) => set.name === run.set)!,
			plan.folder,
		),
	)
	.join('\n')}`;
}

/** Per set: the parts restored (or kept), the units stopped and started; the SSH host key now served. */
export function parseRestoreOutput(stdout: string, runs: Run[]): IDataObject {
	const sets = runs.map((run) => ({
		set: run.set,
		host: run.host,
		time: run.time,
		restored: [] as IDataObject[],
		unitsRestarted: [] as string[],
	}));
	let hostKeyFingerprint: string | undefined;
	for (const line of stdout.split('\n')) {
		const [kind, set, value, id] = line.split('\t');
		const entry = sets.find((s) => s.set === set);
		if (kind === 'hli:hostkey') hostKeyFingerprint = set || undefined;
		if (!entry) continue;
		if (kind === 'hli:restored' || kind === 'hli:kept') {
			const snapshot = runs.flatMap((run) => run.parts).find((s) => s.id === id);
			entry.restored.push({
				part: value,
				id,
				paths: snapshot?.paths ?? [],
				applied: kind === 'hli:restored',
			});
		}
		if (kind === 'hli:started') entry.unitsRestarted.push(value);
	}
	return { sets, ...(hostKeyFingerprint ? { hostKeyFingerprint } : {}) };
}
