#!/usr/bin/env bash
# Makes this machine ready to run the engine (what ./fig needs): the OCI runtimes, debootstrap, iproute2,
# util-linux's unshare, tini (the static init docker run --init binds into a container as
# /sbin/docker-init), containers-common's seccomp profile (the syscall filter containers run under),
# and the Debian root filesystem the engine imports as debian:bookworm-slim. The engine's tests need
# more (test-prereqs.sh). Idempotent and quiet when everything is already there. Run as root on
# Debian 12. The rootfs cache lives outside the clone (SHOP_ENGINE_CACHE, default
# /var/cache/shop-engine) so that CI runs on this machine share it; debootstrap takes ~30 s and ~200 MB.
set -euo pipefail
source "$(dirname "$0")/install-missing.sh"

CACHE=${SHOP_ENGINE_CACHE:-/var/cache/shop-engine}
declare -A COMMAND_OF=([crun]=crun [runc]=runc [debootstrap]=debootstrap [util-linux]=unshare
  [iproute2]=ip [tini]=tini-static [golang-github-containers-common]=/usr/share/containers/seccomp.json)
install_missing COMMAND_OF

# The mirror the host itself uses, so the rootfs comes from where apt already reaches.
mirror=$(awk '
  /^URIs:/ && !/security/ { print $2; exit }
  /^deb / && !/security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
  /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}

tarball="$CACHE/debian-bookworm-minbase.tar"
if [[ ! -s $tarball ]]; then
  echo "debootstrap bookworm (minbase) from $mirror into $CACHE"
  mkdir -p "$CACHE"
  work=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  debootstrap --variant=minbase bookworm "$work" "$mirror" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap.log" >&2; exit 1; }
  # Apt lists and caches make the image big and stale; Docker's slim image ships without them.
  rm -rf "$work"/var/cache/apt/archives/*.deb "$work"/var/lib/apt/lists/*
  tar --numeric-owner --xattrs -C "$work" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
fi
