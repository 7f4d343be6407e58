#!/usr/bin/env bash
# `npm start`: the lab (scripts/local-instance.ts). A local n8n 2.41.1 on 127.0.0.1:5678 with this package
# installed from a fresh pack and every exported workflow imported, and beside it a local Caddy playing the
# VPS, the cloud API simulators and a home service on 127.0.0.1:5680-5686. Works on a machine that has
# nothing but Node 20 and npm: Node 24 and n8n are installed on first use into the cache outside the
# checkout, Caddy from Debian's package when run as root. Data and secrets live in
# $(homelab_cache_dir)/local-instance; nothing in the checkout is modified.
# Environment: N8N_PORT, N8N_LISTEN_ADDRESS, HLI_LAB_BASE_PORT, HLI_OWNER_EMAIL (see scripts/local-instance.ts);
# HLI_N8N_BIN runs that n8n instead of the cached install. `npm start -- --twin` starts the provisioning lab
# instead, where simulated Vultr instances are VPS twins (scripts/lab-twin.ts).
set -euo pipefail
started_ms="$(date +%s%3N)"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/node24.sh
. scripts/deps.sh
. scripts/build.sh
homelab_use_node24
homelab_install_deps
homelab_build

n8n_bin="${HLI_N8N_BIN:-$(bash scripts/install-n8n.sh)}"
if [ "${1:-}" = "--twin" ]; then
	# The provisioning lab: Vultr instances are VPS twins (scripts/lab-twin.ts; needs root).
	exec node -r ts-node/register/transpile-only scripts/lab-twin.ts "$n8n_bin"
fi
HLI_STARTED_MS="$started_ms" exec node -r ts-node/register/transpile-only scripts/local-instance.ts \
	"$n8n_bin" "$(homelab_cache_dir)/local-instance"
