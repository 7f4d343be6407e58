import type { ResticRepository } from './repository';

export interface RemoteScript {
	script: string;
	/** Secrets for the script, sent on the command's stdin (never on a command line). */
	stdin: string;
}

/** Alias the pinned SFTP host key is filed under, so known_hosts does not depend on how the host is written. */
const HOST_KEY_ALIAS = 'hli-restic-repository';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * The start of every restic script. The password and the location reach restic through
 * `--password-file` / `--repository-file` pointing at a pipe that a shell builtin fills from a
 * variable read off stdin: never a command line, an environment or a file. Only the SFTP private key
 * needs a file (ssh reads keys only from files; user and host are validated to plain characters, so
 * they sit unquoted in restic's sftp.command): it lives in a root-only mktemp folder under /run,
 * removed on exit. Backend variables (S3 keys) are exported in restic's own subshell only.
 *
 * Helpers for the body:
 * - `hli_restic ARGS…` runs restic on the repository;
 * - `hli_locked CMD…` runs CMD again while another run holds the repository lock (stale locks of
 *   dead processes are removed), up to the lock wait, then fails with restic's lock message;
 * - `hli_step TEXT` names the step in stderr, so a failure says where it happened;
 * - `hli_ssh_says` shows what ssh says when it connects to the SFTP host (restic can exit before it
 *   has passed that on);
 * - `hli_on_exit_start UNIT` and `hli_on_exit_remove FILE` register what the clean-up on exit does:
 *   start a unit the script stopped, remove a half-written file.
 *
 * A run cut short (timeout, cancelled execution, lost connection) ends with SIGKILL to the script's
 * shell only; restic and the other children would run on, a backup would still be written. A
 * watchdog sees the shell go (or lose its parent, under sudo), interrupts the whole process group
 * (restic removes its lock on SIGINT and writes no snapshot) and does the clean-up the shell could not.
 */
export function resticScript(
	repository: ResticRepository,
	lockWaitSeconds: number,
	body: string,
): RemoteScript {
	const stdin = [repository.password, b64(repository.location)];
	if (repository.sftp) {
		stdin.push(
			b64(repository.sftp.privateKey),
			b64(`${HOST_KEY_ALIAS} ${repository.sftp.hostKey}\n`),
		);
	}
	stdin.push(String(repository.environment.length));
	for (const [name, value] of repository.environment) stdin.push(b64(`${name}=${value}`));

	const sftp = repository.sftp
		? `hli_secret_file "$hli_work/id"
hli_secret_file "$hli_work/known_hosts"
hli_ssh=(ssh -F /dev/null -i "$hli_work/id" -o IdentitiesOnly=yes -o UserKnownHostsFile="$hli_work/known_hosts" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o HostKeyAlias=${HOST_KEY_ALIAS} -o BatchMode=yes -o ConnectTimeout=20 -o ServerAliveInterval=15 -p ${repository.sftp.port} ${repository.sftp.user}@${repository.sftp.host} -s sftp)
hli_sftp=(-o "sftp.command=\${hli_ssh[*]}")`
		: '';
	const script = `set -euo pipefail
umask 077
hli_work=$(mktemp -d /run/hli-restic.XXXXXX)
hli_on_exit_start() { printf '%s\n' "$1" >>"$hli_work/start-on-exit"; }
hli_on_exit_remove() { printf '%s\n' "$@" >>"$hli_work/remove-on-exit"; }
hli_cleanup() {
	local line
	if [ -f "$hli_work/start-on-exit" ]; then
		while IFS= read -r line; do systemctl start "$line" || true; done <"$hli_work/start-on-exit"
	fi
	if [ -f "$hli_work/remove-on-exit" ]; then
		while IFS= read -r line; do rm -f -- "$line"; done <"$hli_work/remove-on-exit"
	fi
	rm -rf "$hli_work"
}
hli_main=$$
hli_parent=$PPID
(
	trap '' INT TERM
	exec </dev/null >/dev/null 2>&1
	hli_alive() { [ -r "/proc/$hli_main/stat" ] && [ "$(cut -d' ' -f4 "/proc/$hli_main/stat")" = "$hli_parent" ]; }
	while hli_alive; do sleep 1; done
	read -r _ _ _ _ hli_group _ <"/proc/$BASHPID/stat"
	kill -INT -- "-$hli_group" 2>/dev/null || true
	sleep 3
	hli_cleanup
	kill -KILL -- "-$hli_group"
) &
hli_watchdog=$!
disown "$hli_watchdog"
trap 'kill -KILL "$hli_watchdog" 2>/dev/null || true; hli_cleanup' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
hli_secret_file() { local line; IFS= read -r line; printf '%s' "$line" | base64 -d >"$1"; }
IFS= read -r hli_password
IFS= read -r hli_location
hli_location=$(printf '%s' "$hli_location" | base64 -d)
hli_ssh=()
hli_sftp=()
${sftp}
hli_env=()
IFS= read -r hli_count
for ((hli_i = 0; hli_i < hli_count; hli_i++)); do
	IFS= read -r hli_line
	hli_env+=("$(printf '%s' "$hli_line" | base64 -d)")
done
exec </dev/null
hli_restic() {
	(
		for hli_var in \${hli_env[@]+"\${hli_env[@]}"}; do export "$hli_var"; done
		exec restic --repository-file <(printf '%s' "$hli_location") --password-file <(printf '%s' "$hli_password") \${hli_sftp[@]+"\${hli_sftp[@]}"} "$@"
	)
}
hli_step() { printf 'hli-step: %s\\n' "$*" >&2; }
hli_ssh_says() {
	if [ "\${#hli_ssh[@]}" -gt 0 ]; then "\${hli_ssh[@]}" </dev/null 2>&1 >/dev/null | sed 's/^/ssh: /' >&2 || true; fi
}
hli_lock_wait=${Math.max(0, Math.trunc(lockWaitSeconds))}
hli_locked() {
	local deadline=$((SECONDS + hli_lock_wait)) status
	while :; do
		status=0
		"$@" 2>"$hli_work/stderr" || status=$?
		if [ "$status" -eq 0 ] || ! grep -q 'repository is already locked' "$hli_work/stderr" || [ "$SECONDS" -ge "$deadline" ]; then
			cat "$hli_work/stderr" >&2
			return "$status"
		fi
		hli_restic unlock >/dev/null 2>&1 || true
		sleep 2
	done
}
${body}`;
	return { script, stdin: `${stdin.join('\n')}\n` };
}
