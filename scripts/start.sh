#!/usr/bin/env bash
# `npm start`: a local n8n 2.41.1 on 127.0.0.1:5678 with this package installed from a fresh pack, every
# exported workflow imported and published, and demo credentials. Works on a machine that has nothing but
# Node 20 and npm (Node 24 and n8n are installed on first use into the cache outside the checkout).
# Data, the generated owner password and the webhook token live in $(homelab_cache_dir)/local-instance.
# Environment: N8N_PORT, N8N_LISTEN_ADDRESS, HLI_CADDY_ADMIN_URL, HLI_OWNER_EMAIL (see scripts/local-instance.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/node24.sh
. scripts/deps.sh
. scripts/build.sh
homelab_use_node24
homelab_install_deps
homelab_build

n8n_bin="$(bash scripts/install-n8n.sh)"
exec node -r ts-node/register scripts/local-instance.ts "$n8n_bin" "$(homelab_cache_dir)/local-instance"
