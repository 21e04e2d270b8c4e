#!/bin/sh
# Installs the Debian packages the test suite runs for real (Ansible as the reference, tmux and
# script for the terminal tests, file/lsattr for stat, setsid for process groups,
# sshd for the fleet, etcd, tini, keepalived for the VIP test, chromium for the inspect HTML report), only if missing. Needs root; CI and dev machines are root.
set -eu
need=""
for pair in ansible-playbook:ansible sshd:openssh-server ssh:openssh-client tini:tini sudo:sudo etcd:etcd-server etcdctl:etcd-client sshpass:sshpass openssl:openssl curl:curl tmux:tmux script:bsdutils file:file lsattr:e2fsprogs setsid:util-linux keepalived:keepalived chromium:chromium; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || need="$need $pkg"
done
if [ -n "$need" ]; then
  echo "ensure-deps: installing$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
# The Kubernetes tests drive the real kubectl (1.30+) against the simulator. Debian has no
# package for it; the machine image ships it at /usr/bin/kubectl.
if ! command -v kubectl >/dev/null 2>&1; then
  echo "ensure-deps: kubectl not found; the Kubernetes tests need the real kubectl (1.30 or newer) on PATH" >&2
  exit 1
fi
# The fleet's own prerequisites (the daemonless systemctl unpacked into its cache) before any
# test runs: test files run two at a time and must not both fetch it on a fresh machine.
sh "$(dirname "$0")/fleet/ensure-deps.sh" "${DROVER_FLEET_CACHE:-/var/cache/drover-fleet}"
