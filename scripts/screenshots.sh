#!/usr/bin/env bash
# `npm run screenshots`: PNGs of every shipped workflow's canvas and of each node's panel, taken in a real
# n8n 2.41.1 editor by a headless Chromium (Debian's package, installed when run as root), into docs/images/.
# Re-run it whenever a workflow or a node's fields change, and commit the images that changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/node24.sh
. scripts/deps.sh
homelab_use_node24
homelab_install_deps

npm run --silent build
n8n_bin="$(bash scripts/install-n8n.sh)"
exec node -r ts-node/register scripts/screenshots.ts "$n8n_bin"
