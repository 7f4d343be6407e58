#!/usr/bin/env bash
# Installs n8n 2.41.1 once into a cache outside the checkout and prints the path of its bin/n8n.
# 2.41.3 is not installable from the registry here (a pinned dependency is missing); linkedom is pinned
# because newer releases need a package that is also missing. Install scripts are skipped (one of them
# downloads zlib) and sqlite3 is then compiled from source.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/node24.sh"
homelab_use_node24
version="${N8N_VERSION:-2.41.1}"
dir="$(homelab_cache_dir)/n8n-$version"
bin="$dir/node_modules/.bin/n8n"
if [ ! -f "$dir/.complete" ]; then
	echo "install-n8n: installing n8n $version into $dir (first time only, several minutes)" >&2
	rm -rf "$dir"
	mkdir -p "$dir"
	cat >"$dir/package.json" <<JSON
{"name":"homelab-ingress-n8n-runtime","private":true,"dependencies":{"n8n":"$version"},"overrides":{"linkedom":"0.18.13"}}
JSON
	(cd "$dir" && npm install --ignore-scripts --no-audit --no-fund >&2 && npm rebuild sqlite3 >&2)
	touch "$dir/.complete"
fi
printf '%s\n' "$bin"
