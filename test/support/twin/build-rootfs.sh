#!/usr/bin/env bash
# Builds the VPS twin's Debian root filesystem and packs it as a tarball.
# Usage: build-rootfs.sh <mirror-url> <suite> <output.tar> <comma-separated packages>
# Runs as root. The mirror comes from the host's apt sources (see twin.ts); nothing else is contacted.
set -euo pipefail
mirror="$1" suite="$2" out="$3" packages="$4"

if ! command -v debootstrap >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
fi

work="$(mktemp -d "${out}.build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
	{ tail -n 40 "$work/debootstrap.log" >&2; exit 1; }

# Units that wait for hardware or a network the twin does not have.
chroot "$rootfs" systemctl mask getty@tty1.service serial-getty@ttyS0.service console-getty.service \
	systemd-networkd-wait-online.service systemd-timesyncd.service >/dev/null 2>&1 || true
# The twin gets its own host keys per copy (see twin.ts), never the ones baked at build time.
rm -f "$rootfs"/etc/ssh/ssh_host_*
rm -rf "$rootfs"/var/cache/apt/archives/*.deb

tar -C "$rootfs" --numeric-owner -cf "$work/rootfs.tar" .
mv "$work/rootfs.tar" "$out"
