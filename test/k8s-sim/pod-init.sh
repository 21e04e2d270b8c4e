#!/bin/sh
# PID 1 of one simulated pod (fresh mount+pid+uts namespaces, made by sandbox.ts with
# unshare): an overlay root over / with a private tmpfs upper layer, the kernel filesystems a
# container sees, then pivot into it and idle under tini. `kubectl exec` enters it with nsenter.
# NO_TAR=1 hides tar, for pods whose image has none. Each container of a pod is one such
# sandbox (its own root and processes; the machine's network, shared by the pod's containers);
# CONTAINER names it in /etc/sim-container so tests can tell where a command ran.
set -eu
DIR=$1 HOSTNAME_=$2 NO_TAR=${3:-0} CONTAINER=${4:-}
MNT=$DIR/mnt
. "$(dirname "$0")/../fleet/sandbox-root.sh"

record_init "$DIR/init"

mount -t tmpfs -o mode=755,size=${POD_TMPFS_SIZE:-256m} "pod-$HOSTNAME_" "$MNT"
mkdir "$MNT/upper" "$MNT/work" "$MNT/root"
mkdir -p "$MNT/upper/etc"
echo "$HOSTNAME_" > "$MNT/upper/etc/hostname"
if [ -n "$CONTAINER" ]; then echo "$CONTAINER" > "$MNT/upper/etc/sim-container"; fi
R=$MNT/root
mount -t overlay -o "lowerdir=/,upperdir=$MNT/upper,workdir=$MNT/work" "pod-$HOSTNAME_" "$R"
mount_kernel_fs "$R"
if [ "$NO_TAR" = 1 ]; then rm -f "$R/usr/bin/tar" "$R/bin/tar"; fi
hostname "$HOSTNAME_"

pivot_into "$R"
# ready once PID 1 is tini (sandbox.ts watches /proc/PID/comm): the root is in place
exec /usr/bin/tini -s -- /bin/sleep infinity
