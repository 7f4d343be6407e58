# Sourced after node24.sh: installs the project's npm dependencies when node_modules does not hold what
# package-lock.json lists (scripts/deps-installed.js compares them). Install scripts are skipped: none of
# our dependencies needs one (isolated-vm ships a linux-x64 build), and one dev dependency's preinstall
# insists on pnpm. `npm install` (which keeps to the lock file) rather than `npm ci`: npm ci rejects a lock
# without entries for optional platform packages that the registry here does not carry (unrs-resolver's
# bindings for other systems). `--no-save` leaves package-lock.json as it is: npm would otherwise write
# those entries into it, and `npm start` or `npm test` would leave the checkout modified.
homelab_install_deps() {
	if node scripts/deps-installed.js; then
		return 0
	fi
	echo "deps: npm install (from package-lock.json)" >&2
	npm install --no-save --ignore-scripts --no-audit --no-fund >&2
}
