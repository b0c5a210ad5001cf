#!/usr/bin/env bash
# Makes this machine ready to run the engine and its tests: the OCI runtimes, debootstrap, iproute2, tini
# (the static init docker run --init binds into a container as /sbin/docker-init), the registry peers of the
# interop tests (skopeo, Debian's docker-registry), docker-compose (which checks fig.yml), Podman (the other
# engine fig is tested on), and the Debian root filesystem the engine imports as
# debian:bookworm-slim. Idempotent and quiet when everything is already there. Run as root on Debian 12.
# The rootfs cache lives outside the clone (SHOP_ENGINE_CACHE, default /var/cache/shop-engine) so
# that CI runs on this machine share it; debootstrap takes ~30 s and ~200 MB.
set -euo pipefail

CACHE=${SHOP_ENGINE_CACHE:-/var/cache/shop-engine}
declare -A COMMAND_OF=([crun]=crun [runc]=runc [debootstrap]=debootstrap [util-linux]=unshare
  [iproute2]=ip [skopeo]=skopeo [docker-registry]=docker-registry [docker-compose]=docker-compose
  [tini]=tini-static)
# Podman, the other engine fig is tested against (PodmanStackTest). As root it needs neither uidmap,
# slirp4netns nor fuse-overlayfs, so its recommends stay out; its bridge networks need netavark,
# aardvark-dns (names) and iptables, and the test compares nft's ruleset before and after.
declare -A PODMAN_COMMAND_OF=([podman]=podman [conmon]=conmon [netavark]=/usr/lib/podman/netavark
  [aardvark-dns]=/usr/lib/podman/aardvark-dns [iptables]=iptables-save [nftables]=nft)

updated=false
# install_missing NAME_OF_MAP [apt-get option...]: installs the map's packages whose command is missing.
install_missing() {
  local -n commands=$1
  shift
  local missing=() package
  for package in "${!commands[@]}"; do
    command -v "${commands[$package]}" >/dev/null 2>&1 || missing+=("$package")
  done
  if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    $updated || apt-get update -qq
    updated=true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" "${missing[@]}" >/dev/null
  fi
}
install_missing COMMAND_OF
install_missing PODMAN_COMMAND_OF --no-install-recommends

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
