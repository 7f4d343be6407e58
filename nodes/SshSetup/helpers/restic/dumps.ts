import { quote } from '../../../../lib/shell';
import { ADMIN_CURL, ADMIN_URL } from '../caddy';
import type { Dump } from './sets';

/**
 * Bash functions that write a consistent copy of a live database or config to stdout (for
 * `restic backup --stdin`) and that load one back from stdin.
 *
 * SQLite: one read transaction around the SQL dump (so a writer cannot change it half way), with the
 * header fields .dump leaves out (user_version, application_id) and the rowids kept.
 * The n8n CLI logs to stdout: errors only (N8N_LOG_LEVEL), and an instance with nothing to export
 * gives an empty list instead of failing.
 */
export const DUMP_FUNCTIONS = `hli_dump_sqlite() {
	sqlite3 -bail "$1" <<'SQL'
.timeout 10000
BEGIN;
SELECT 'PRAGMA user_version=' || user_version || ';' FROM pragma_user_version;
SELECT 'PRAGMA application_id=' || application_id || ';' FROM pragma_application_id;
.dump --preserve-rowids
COMMIT;
SQL
}
hli_dump_postgres() { runuser -u postgres -- pg_dump --clean --if-exists --dbname="$1"; }
hli_dump_caddy() { ${ADMIN_CURL} -m 30 ${ADMIN_URL}/config/; }
hli_caddy_answers() { ${ADMIN_CURL} -m 5 -o /dev/null ${ADMIN_URL}/config/ 2>/dev/null; }
hli_n8n_export() {
	local what=$1 out status=0
	shift
	out=$(env N8N_LOG_LEVEL=error "$@" "export:$what" --all --output=/dev/stdout 2>"$hli_work/n8n-stderr") || status=$?
	if [ "$status" -ne 0 ]; then
		if printf '%s\\n' "$out" | cat - "$hli_work/n8n-stderr" | grep -q '^No \\(workflows\\|credentials\\) found'; then
			echo '[]'
			return 0
		fi
		printf '%s\\n' "$out" | cat - "$hli_work/n8n-stderr" >&2
		return "$status"
	fi
	case "$out" in
	'['*) printf '%s\\n' "$out" ;;
	*) echo "n8n export:$what did not print a JSON list (for n8n in Docker pass -e N8N_LOG_LEVEL=error)" >&2; return 1 ;;
	esac
}
hli_n8n_import() {
	local what=$1
	shift
	env N8N_LOG_LEVEL=error "$@" "import:$what" --input=/dev/stdin >&2
}`;

/** The command that writes `dump` to stdout, built from the functions above. */
export function dumpCommand(dump: Dump): string {
	switch (dump.kind) {
		case 'sqlite':
			return `hli_dump_sqlite ${quote(dump.file)}`;
		case 'postgres':
			return `hli_dump_postgres ${quote(dump.database)}`;
		case 'caddyConfig':
			return 'hli_dump_caddy';
		case 'n8n':
			return `hli_n8n_export ${dump.part === 'workflows' ? 'workflow' : 'credentials'} ${dump.command.map(quote).join(' ')}`;
	}
}

/** The shell test that says whether there is something to dump (a database file, a Caddy that answers). */
export function dumpPresent(dump: Dump): string {
	switch (dump.kind) {
		case 'sqlite':
			return `[ -f ${quote(dump.file)} ]`;
		case 'caddyConfig':
			return 'hli_caddy_answers';
		default:
			return 'true';
	}
}
