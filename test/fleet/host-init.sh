#!/bin/sh
# PID 1 of one simulated host (fresh mount+pid+uts namespaces, made by fleet.ts with unshare):
# builds an overlay root over / with a private tmpfs upper layer, mounts the kernel
# filesystems a host needs, pivots into it and becomes sshd (under tini, which reaps).
# Everything mounted here dies with the namespace.
set -eu
I=$1 IP=$2 ROOT=$3
NAME=host$I
RUN=$ROOT/run MNT=$ROOT/mnt TEMPLATE=$ROOT/template
. "$(dirname "$0")/sandbox-root.sh"

record_init "$RUN/$NAME.init"

mount -t tmpfs -o mode=755,size=${FLEET_TMPFS_SIZE:-1g} "fleet-$NAME" "$MNT"
mkdir "$MNT/upper" "$MNT/work" "$MNT/root"
U=$MNT/upper
cp -a "$TEMPLATE/." "$U/"
echo "$NAME" > "$U/etc/hostname"
cat "$RUN/hosts" > "$U/etc/hosts"
ssh-keygen -q -t ed25519 -N '' -C "root@$NAME" -f "$U/etc/ssh/ssh_host_ed25519_key"
sed -i "s/@LISTEN@/$IP/" "$U/etc/ssh/sshd_config"

R=$MNT/root
mount -t overlay -o "lowerdir=/,upperdir=$U,workdir=$MNT/work" "fleet-$NAME" "$R"
mount_kernel_fs "$R"
mkdir -p "$R/run/sshd" "$R/run/lock" "$R/run/systemd/system"
hostname "$NAME"

pivot_into "$R"
exec /usr/bin/tini -s -- /usr/sbin/sshd -D -e
