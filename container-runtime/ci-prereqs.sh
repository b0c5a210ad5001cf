#!/usr/bin/env bash
# Makes this machine ready to run the engine (what ./fig needs): the OCI runtimes, debootstrap,
# iproute2, util-linux's unshare, tini (the static init docker run --init binds into a container as
# /sbin/docker-init), containers-common's seccomp profile (the syscall filter containers run under),
# and the Debian root filesystems the engine imports as debian:bookworm-slim and debian:trixie-slim.
# The engine's tests need more (test-prereqs.sh). Idempotent and quiet when everything is already
# there. Run as root on Debian 12. The rootfs cache lives outside the clone (SHOP_ENGINE_CACHE,
# default /var/cache/shop-engine) so that CI runs on this machine share it; debootstrap takes ~30 s
# and ~200 MB per suite.
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

# bookworm for the infrastructure images and the tests, trixie for the services' Java 25 runtime.
for suite in bookworm trixie; do
  tarball="$CACHE/debian-$suite-minbase.tar"
  [[ -s $tarball ]] && continue
  echo "debootstrap $suite (minbase) from $mirror into $CACHE"
  mkdir -p "$CACHE"
  work=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  debootstrap --variant=minbase "$suite" "$work" "$mirror" >"$CACHE/debootstrap-$suite.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap-$suite.log" >&2; exit 1; }
  # Slim as Docker's -slim images are: no apt lists or caches (big and stale), no manuals or
  # translations, only the copyright files of /usr/share/doc; dpkg and apt keep later installs that
  # way (apt's package caches alone are 90 MB per image that runs apt-get update).
  rm -rf "$work"/var/cache/apt/archives/*.deb "$work"/var/cache/apt/*.bin "$work"/var/lib/apt/lists/*
  printf '%s\n' 'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' \
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb || true"; };' >"$work/etc/apt/apt.conf.d/slim"
  find "$work/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  # Files only: packages such as openjdk's fail to install where the man1 folder is missing.
  find "$work"/usr/share/{man,info,locale,lintian} -mindepth 1 -not -type d -delete
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
    'path-exclude /usr/share/lintian/*' >"$work/etc/dpkg/dpkg.cfg.d/slim"
  tar --numeric-owner --xattrs -C "$work" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf "$work"
done
