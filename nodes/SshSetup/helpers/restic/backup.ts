import type { IDataObject } from 'n8n-workflow';

import { quote } from '../../../../lib/shell';
import { DUMP_FUNCTIONS, dumpCommand, dumpPresent } from './dumps';
import { keepFlags, type PolicyGroup, type Retention } from './retention';
import { manifestPath, PACKAGE_TAG, type SnapshotJson } from './snapshots';
import { dumpPath, type BackupSet } from './sets';

export interface BackupPlan {
	sets: BackupSet[];
	/** restic's host name for the snapshots; the server's hostname when empty. */
	host: string;
	/** ISO time to record instead of now (for importing older data, or simulated runs). */
	time: string;
	initialize: boolean;
	retention: Retention;
}

/** The tags of one part of a set: retention groups by them, restore finds parts by them. */
function tagsOf(set: string, part: string): string {
	return `"${PACKAGE_TAG},set:${set},part:${part},host:$hli_host"`;
}

/** Backs up the files of a set that exist on the server; reports the part as skipped when none does. */
function filesPart(set: BackupSet): string {
	if (!set.paths.length) return '';
	const excludes = set.excludes.map((path) => `--exclude ${quote(path)}`).join(' ');
	return `hli_paths=()
for hli_path in ${set.paths.map(quote).join(' ')}; do
	if [ -e "$hli_path" ]; then hli_paths+=("$hli_path"); fi
done
if [ "\${#hli_paths[@]}" -gt 0 ]; then
	hli_step ${quote(`Backing up ${set.name} (files)`)}
	hli_status=0
	hli_summary=$(hli_locked hli_files --host "$hli_host" --time "$hli_time" --tag ${tagsOf(set.name, 'files')} ${excludes} -- "\${hli_paths[@]}") || hli_status=$?
	# 3: some files could not be read (they vanished while restic read the folder); the snapshot is made
	if [ "$hli_status" -ne 0 ] && [ "$hli_status" -ne 3 ]; then exit "$hli_status"; fi
	hli_part ${quote(set.name)} files "$hli_summary" "$hli_status"
else
	printf 'hli:skipped\\t%s\\tfiles\\n' ${quote(set.name)}
fi`;
}

function dumpParts(set: BackupSet): string {
	return set.dumps
		.map((dump, index) => {
			const producer = `hli_produce_${set.name.replace(/\W/g, '_')}_${index}`;
			return `${producer}() { ${dumpCommand(dump)}; }
if ${dumpPresent(dump)}; then
	hli_step ${quote(`Backing up ${set.name} (${dump.part})`)}
	hli_summary=$(hli_locked hli_stdin ${producer} ${quote(dumpPath(dump).slice(1))} --host "$hli_host" --time "$hli_time" --tag ${tagsOf(set.name, dump.part)})
	hli_part ${quote(set.name)} ${quote(dump.part)} "$hli_summary" 0
else
	printf 'hli:skipped\\t%s\\t%s\\n' ${quote(set.name)} ${quote(dump.part)}
fi`;
		})
		.join('\n');
}

/**
 * The manifest closes a set's run: a small snapshot, made only after every part succeeded, listing
 * the parts. Restore and retention only count runs that have one, so a run cut short never becomes
 * "latest" and never takes a complete run's place.
 */
function manifestPart(set: BackupSet): string {
	return `if [ -n "$hli_manifest" ]; then
	hli_step ${quote(`Closing the ${set.name} run`)}
	hli_summary=$(hli_locked hli_stdin hli_manifest_out ${quote(manifestPath(set.name).slice(1))} --host "$hli_host" --time "$hli_time" --tag ${tagsOf(set.name, 'manifest')})
	printf 'hli:manifest\\t%s\\t%s\\n' ${quote(set.name)} "$(hli_summary_id "$hli_summary")"
fi
hli_manifest=''`;
}

const BACKUP_FUNCTIONS = `${DUMP_FUNCTIONS}
hli_manifest=''
hli_manifest_out() { printf '%s' "$hli_manifest"; }
hli_summary_id() { printf '%s' "$1" | sed -n 's/.*"snapshot_id":"\\([0-9a-f]*\\)".*/\\1/p'; }
hli_part() {
	printf 'hli:part\\t%s\\t%s\\t%s\\t%s\\n' "$1" "$2" "$4" "$3"
	hli_manifest+="$2 $(hli_summary_id "$3")"$'\\n'
}
hli_files() { hli_restic backup --json "$@" | sed -n '/"message_type":"summary"/p'; }
# A dump that fails half way must not leave a snapshot that looks complete: it is forgotten again.
hli_stdin() {
	local producer=$1 name=$2 summary id
	shift 2
	summary=$({
		status=0
		"$producer" || status=$?
		echo "$status" >"$hli_work/producer-status"
	} | hli_files --stdin --stdin-filename "$name" "$@") || return $?
	if [ "$(cat "$hli_work/producer-status")" != 0 ]; then
		id=$(hli_summary_id "$summary")
		if [ -n "$id" ]; then hli_restic forget "$id" >/dev/null; fi
		echo "The dump for /$name failed; its snapshot was removed again" >&2
		return 1
	fi
	printf '%s\\n' "$summary"
}`;

/** Opens the repository (creating it when absent and allowed); a wrong password stops here, before any change. */
export function openRepositoryStep(initialize: boolean): string {
	return `hli_step 'Opening the repository'
hli_status=0
hli_locked hli_restic cat config >/dev/null || hli_status=$?
if [ "$hli_status" -ne 0 ]; then
	if ${initialize ? 'true' : 'false'} && grep -q 'Is there a repository at the following location' "$hli_work/stderr"; then
		hli_step 'Creating the repository'
		hli_restic init >/dev/null
		printf 'hli:initialized\\n'
	else
		if grep -q 'unable to start the sftp session' "$hli_work/stderr"; then hli_ssh_says; fi
		exit "$hli_status"
	fi
fi`;
}

/** The package's snapshots as one `hli:list` line; `hostFilter` is a ready `--host …` argument or empty. */
export function listStep(hostFilter: string): string {
	return `hli_step 'Listing snapshots'
printf 'hli:list\\t%s\\n' "$(hli_locked hli_restic snapshots --json --tag ${PACKAGE_TAG} ${hostFilter} | tr -d '\\n')"`;
}

/**
 * restic's retention policy applied to the runs' manifests (a dry run): which runs it keeps. The
 * parts of the runs it drops are forgotten afterwards, by id, so a run is kept or dropped whole.
 */
function policyStep(plan: BackupPlan): string {
	const flags = keepFlags(plan.retention);
	if (!flags || !plan.sets.length) return '';
	const tags = plan.sets
		.map((set) => `--tag ${PACKAGE_TAG},set:${set.name},part:manifest`)
		.join(' ');
	return `hli_step 'Applying the retention policy'
printf 'hli:policy\\t%s\\n' "$(hli_locked hli_restic forget --dry-run --json --host "$hli_host" --group-by host,tags ${tags} ${flags} | tr -d '\\n')"`;
}

/** The body of the backup script (after the restic prelude). */
export function backupBody(plan: BackupPlan): string {
	const host = plan.host ? quote(plan.host) : '"$(hostname)"';
	const time = plan.time ? `-d ${quote(plan.time)} ` : '';
	const sets = plan.sets.map((set) =>
		[filesPart(set), dumpParts(set), manifestPart(set)].filter(Boolean).join('\n'),
	);
	return `${BACKUP_FUNCTIONS}
${openRepositoryStep(plan.initialize)}
hli_host=${host}
case "$hli_host" in '' | *[!A-Za-z0-9._-]*) echo "The host name \\"$hli_host\\" cannot name snapshots; set Host Name" >&2; exit 1 ;; esac
hli_time=$(date ${time}'+%Y-%m-%d %H:%M:%S')
printf 'hli:run\\t%s\\t%s\\n' "$hli_host" "$hli_time"
${sets.join('\n')}
${listStep('--host "$hli_host"')}
${policyStep(plan)}`;
}

/** Forgets the given snapshots, prunes when asked and checks when asked: the second half of a backup. */
export function maintenanceBody(
	forget: string[],
	prune: boolean,
	check: boolean,
	readDataSubset: string,
): string {
	const steps = [];
	if (forget.length)
		steps.push(`hli_step 'Forgetting snapshots the retention policy drops'
hli_locked hli_restic forget ${forget.map(quote).join(' ')} >/dev/null
printf 'hli:forgotten\\n'`);
	if (forget.length && prune)
		steps.push(`hli_step 'Pruning unreferenced data'
hli_locked hli_restic prune >/dev/null
printf 'hli:pruned\\n'`);
	if (check)
		steps.push(`hli_step 'Checking the repository'
hli_locked hli_restic check${readDataSubset ? ` --read-data-subset ${quote(readDataSubset)}` : ''} >/dev/null
printf 'hli:checked\\n'`);
	return steps.join('\n');
}

interface Summary {
	files_new?: number;
	files_changed?: number;
	files_unmodified?: number;
	data_added?: number;
	total_bytes_processed?: number;
	snapshot_id?: string;
}

export interface BackupResult {
	output: IDataObject;
	/** The package's snapshots of the host after the run. */
	list: SnapshotJson[];
	/** restic's verdict on the runs' manifests, when a retention policy is set. */
	policy?: PolicyGroup[];
}

export function parseJson<T>(text: string | undefined, fallback: T): T {
	try {
		return (JSON.parse(text ?? '') as T | null) ?? fallback;
	} catch {
		return fallback;
	}
}

/** The node's output (and what retention needs) from the lines the backup script printed. */
export function parseBackupOutput(stdout: string): BackupResult {
	const snapshots: IDataObject[] = [];
	const skipped: IDataObject[] = [];
	const manifests: Record<string, string> = {};
	let run: { host?: string; time?: string } = {};
	let list: SnapshotJson[] = [];
	let policy: PolicyGroup[] | undefined;
	let initialized = false;
	for (const line of stdout.split('\n')) {
		const [kind, ...fields] = line.split('\t');
		if (kind === 'hli:run') run = { host: fields[0], time: fields[1] };
		if (kind === 'hli:initialized') initialized = true;
		if (kind === 'hli:skipped') skipped.push({ set: fields[0], part: fields[1] });
		if (kind === 'hli:manifest') manifests[fields[0]] = fields[1];
		if (kind === 'hli:list') list = parseJson<SnapshotJson[]>(fields[0], []);
		if (kind === 'hli:policy') policy = parseJson<PolicyGroup[]>(fields[0], []);
		if (kind === 'hli:part') {
			const [set, part, status, json] = fields;
			const summary = parseJson<Summary>(json, {});
			snapshots.push({
				set,
				part,
				shortId: summary.snapshot_id ?? null,
				filesNew: summary.files_new ?? 0,
				filesChanged: summary.files_changed ?? 0,
				filesUnmodified: summary.files_unmodified ?? 0,
				bytesAdded: summary.data_added ?? 0,
				bytesProcessed: summary.total_bytes_processed ?? 0,
				incomplete: status === '3',
			});
		}
	}
	const full = (shortId: unknown) => list.find((s) => s.id.startsWith(String(shortId)));
	for (const snapshot of snapshots) {
		const match = full(snapshot.shortId);
		Object.assign(snapshot, { id: match?.id ?? null, paths: match?.paths ?? [] });
	}
	const sum = (key: string) => snapshots.reduce((total, s) => total + Number(s[key] ?? 0), 0);
	return {
		list,
		policy,
		output: {
			host: run.host ?? null,
			time: run.time ?? null,
			initialized,
			snapshotId: (snapshots[0]?.id as string | undefined) ?? null,
			snapshots,
			runs: Object.entries(manifests).map(([set, id]) => ({
				set,
				manifestId: full(id)?.id ?? id,
			})),
			skipped,
			filesNew: sum('filesNew'),
			filesChanged: sum('filesChanged'),
			bytesAdded: sum('bytesAdded'),
			bytesProcessed: sum('bytesProcessed'),
		},
	};
}
