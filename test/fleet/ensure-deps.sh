#!/bin/sh
# Fleet prerequisites, idempotent: Debian packages the hosts run (sshd, tini, sudo) and the
# daemonless systemctl, unpacked into a cache (never installed on this machine itself).
set -eu
CACHE=${1:?usage: ensure-deps.sh CACHE_DIR}
need=""
[ -x /usr/sbin/sshd ] || need="$need openssh-server"
command -v ssh >/dev/null 2>&1 || need="$need openssh-client"
command -v tini >/dev/null 2>&1 || need="$need tini"
command -v sudo >/dev/null 2>&1 || need="$need sudo"
command -v nsenter >/dev/null 2>&1 || need="$need util-linux"
command -v openssl >/dev/null 2>&1 || need="$need openssl"
if [ -n "$need" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
if [ ! -x "$CACHE/systemctl/usr/bin/systemctl" ]; then
  mkdir -p "$CACHE/download"
  ( cd "$CACHE/download" && { ls systemctl_*.deb >/dev/null 2>&1 || apt-get download systemctl >/dev/null 2>&1 || { apt-get update -qq && apt-get download systemctl >/dev/null; }; } )
  # unpack into a private temp dir and rename: two fleets starting at once never see half of it
  tmp=$(mktemp -d "$CACHE/systemctl.XXXXXX")
  dpkg-deb -x "$CACHE"/download/systemctl_*.deb "$tmp"
  mv -T "$tmp" "$CACHE/systemctl" 2>/dev/null || rm -rf "$tmp"
fi
