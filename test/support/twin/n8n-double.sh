#!/bin/bash
# Test double of the n8n CLI for the VPS twin (n8n itself is not in the twin): export:workflow and
# export:credentials --all --output=FILE write the stored JSON list, or fail the way n8n 2.x does when
# there is nothing to export; import:* --input=FILE store the list. Each call is logged with the
# N8N_LOG_LEVEL it saw, under /var/lib/n8n-double/.
dir=/var/lib/n8n-double
mkdir -p "$dir"
command=$1
shift
for arg in "$@"; do
	case "$arg" in
	--output=*) output=${arg#--output=} ;;
	--input=*) input=${arg#--input=} ;;
	esac
done
echo "$command level=${N8N_LOG_LEVEL:-}" >>"$dir/calls.log"
case "$command" in
export:workflow | export:credentials)
	kind=${command#export:}
	plural=${kind%s}s
	if [ ! -s "$dir/$kind.json" ]; then
		echo "Error exporting $plural. See log messages for details."
		echo "No $plural found with specified filters"
		exit 1
	fi
	cat "$dir/$kind.json" >"$output"
	;;
import:workflow | import:credentials)
	kind=${command#import:}
	cat "$input" >"$dir/$kind.json"
	;;
*)
	echo "unknown command $command" >&2
	exit 1
	;;
esac
