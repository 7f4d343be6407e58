# Sourced after node24.sh: installs the project's npm dependencies when package-lock.json changed.
# Install scripts are skipped: none of our dependencies needs one (isolated-vm ships a linux-x64 build),
# and one dev dependency's preinstall insists on pnpm. `npm install` (which keeps to the lock file) rather
# than `npm ci`: npm ci rejects a lock without entries for optional platform packages that the registry
# here does not carry (unrs-resolver's bindings for other systems).
homelab_install_deps() {
	local stamp="node_modules/.homelab-lock-sha256"
	local want
	want="$(sha256sum package-lock.json | cut -d' ' -f1)"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		return 0
	fi
	echo "deps: npm install (from package-lock.json)" >&2
	npm install --ignore-scripts --no-audit --no-fund >&2
	echo "$want" >"$stamp"
}
