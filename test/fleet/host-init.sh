#!/bin/sh
# PID 1 of one simulated host (fresh mount+pid+uts namespaces, made by fleet.ts with unshare):
# builds an overlay root over / with a private tmpfs upper layer, mounts the kernel
# filesystems a host needs, pivots into it and becomes sshd (under tini, which reaps).
# Everything mounted here dies with the namespace.
# Env: FLEET_HOSTNAME (default hostI); netns mode (own network namespace, made by unshare --net):
# FLEET_HUB_NET (path of the hub's netns), FLEET_HUB_BRIDGE, FLEET_VETH (hub-side veth name).
set -eu
I=$1 IP=$2 ROOT=$3
NAME=host$I HOST=${FLEET_HOSTNAME:-host$I}
RUN=$ROOT/run MNT=$ROOT/mnt TEMPLATE=$ROOT/template
. "$(dirname "$0")/sandbox-root.sh"

[ -z "${FLEET_HUB_NET:-}" ] || readlink /proc/self/ns/net > "$RUN/$NAME.net"
record_init "$RUN/$NAME.init"

mount -t tmpfs -o mode=755,size=${FLEET_TMPFS_SIZE:-1g} "fleet-$NAME" "$MNT"
mkdir "$MNT/upper" "$MNT/work" "$MNT/root"
U=$MNT/upper
cp -a "$TEMPLATE/." "$U/"
echo "$HOST" > "$U/etc/hostname"
cat "$RUN/hosts" > "$U/etc/hosts"
ssh-keygen -q -t ed25519 -N '' -C "root@$HOST" -f "$U/etc/ssh/ssh_host_ed25519_key"
sed -i "s/@LISTEN@/$IP/" "$U/etc/ssh/sshd_config"

R=$MNT/root
mount -t overlay -o "lowerdir=/,upperdir=$U,workdir=$MNT/work" "fleet-$NAME" "$R"
mount_kernel_fs "$R"
mkdir -p "$R/run/sshd" "$R/run/lock" "$R/run/systemd/system"
hostname "$HOST"

# netns mode: our own loopback, and eth0 = a veth whose other end joins the hub's bridge
# (the /proc here is still the machine's, so the hub's namespace path resolves)
if [ -n "${FLEET_HUB_NET:-}" ]; then
  ip link set lo up
  ip link add name eth0 type veth peer name "$FLEET_VETH" netns "$FLEET_HUB_NET"
  nsenter --net="$FLEET_HUB_NET" ip link set "$FLEET_VETH" master "$FLEET_HUB_BRIDGE" up
  ip addr add "$IP/16" dev eth0
  ip link set eth0 up
fi

pivot_into "$R"
exec /usr/bin/tini -s -- /usr/sbin/sshd -D -e
