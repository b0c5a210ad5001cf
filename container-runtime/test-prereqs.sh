#!/usr/bin/env bash
# Makes this machine ready to run the engine's tests, beside what running it needs (ci-prereqs.sh):
# the registry peers of the interop tests (skopeo, Debian's docker-registry), docker-compose (which
# checks fig.yml and is run against the engine) and Podman (the other engine fig is tested on).
# Idempotent and quiet when everything is already there. Run as root on Debian 12.
set -euo pipefail
source "$(dirname "$0")/install-missing.sh"

declare -A COMMAND_OF=([skopeo]=skopeo [docker-registry]=docker-registry [docker-compose]=docker-compose)
# Podman, the other engine fig is tested against (PodmanStackTest). As root it needs neither uidmap,
# slirp4netns nor fuse-overlayfs, so its recommends stay out; its bridge networks need netavark,
# aardvark-dns (names) and iptables, and the test compares nft's ruleset before and after.
declare -A PODMAN_COMMAND_OF=([podman]=podman [conmon]=conmon [netavark]=/usr/lib/podman/netavark
  [aardvark-dns]=/usr/lib/podman/aardvark-dns [iptables]=iptables-save [nftables]=nft)
install_missing COMMAND_OF
install_missing PODMAN_COMMAND_OF --no-install-recommends
