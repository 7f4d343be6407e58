#!/bin/bash
# Test double of the tailscale CLI for the VPS twin (the daemon cannot be downloaded there).
# Records every call (arguments one per line, the environment, and for `up` the command lines of all
# running processes and the auth key it read from its file) under /var/lib/tailscale-double/.
dir=/var/lib/tailscale-double
mkdir -p "$dir"
{
	echo '--- call'
	for arg in "$@"; do printf 'arg=%s\n' "$arg"; done
	env | sed 's/^/env=/'
} >>"$dir/calls.log"
case "$1" in
up)
	ps -eo args | sed 's/^/ps=/' >>"$dir/calls.log"
	for arg in "$@"; do
		case "$arg" in --auth-key=file:*) cat "${arg#--auth-key=file:}" >"$dir/authkey-read" ;; esac
	done
	echo Running >"$dir/state"
	;;
status) printf '{\n  "Version": "double",\n  "BackendState": "%s"\n}\n' "$(cat "$dir/state" 2>/dev/null || echo NeedsLogin)" ;;
ip)
	[ -f "$dir/state" ] || exit 1
	if [ "$2" = -6 ]; then echo fd7a:115c:a1e0::7a; else echo 100.101.102.103; fi
	;;
logout) rm -f "$dir/state" ;;
esac
