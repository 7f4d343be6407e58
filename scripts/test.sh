#!/usr/bin/env bash
# The whole test suite: build, lint, then every jest test (unit, engine, real servers, real n8n).
# Works on a machine that has nothing but Node 20 and npm: Node 24, npm packages, n8n and the Debian
# servers the tests need are installed on first use and cached outside the checkout.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/node24.sh
. scripts/deps.sh
. scripts/build.sh
homelab_use_node24
homelab_install_deps

homelab_build
npm run --silent lint

if n8n_bin="$(bash scripts/install-n8n.sh)"; then
	export HLI_N8N_BIN="$n8n_bin"
elif [ "${CI:-}" = "true" ]; then
	echo "test: n8n could not be installed; the end-to-end tests cannot run" >&2
	exit 1
else
	echo "test: n8n could not be installed; end-to-end tests will be skipped" >&2
fi

exec npx jest --ci "$@"
