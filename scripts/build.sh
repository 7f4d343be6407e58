# Sourced by start.sh and test.sh: `npm run build`, unless dist/ is what the last build here made from the
# same sources. The digests of the sources and of dist/ are kept in node_modules/.cache, one file per
# checkout, so nothing in the checkout changes; a dist/ edited or removed since is rebuilt.
homelab_tree_digest() {
	find "$@" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

homelab_build() {
	local stamp sources built=none
	stamp="node_modules/.cache/n8n-nodes-homelab-ingress/build-$(pwd -P | sha256sum | cut -c1-16)"
	sources="$(homelab_tree_digest nodes credentials lib templates package.json tsconfig.json tsconfig.build.json gulpfile.js)"
	if [ -d dist ]; then
		built="$(homelab_tree_digest dist)"
	fi
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sources $built" ]; then
		return 0
	fi
	npm run --silent build
	mkdir -p "$(dirname "$stamp")"
	printf '%s %s' "$sources" "$(homelab_tree_digest dist)" >"$stamp"
}
