#!/bin/sh
# PID 1 of one simulated pod (fresh mount+pid+uts namespaces, made by sandbox.ts with
# unshare): an overlay root over / with a private tmpfs upper layer, the kernel filesystems a
# container sees, then pivot into it and idle under tini. `kubectl exec` enters it with nsenter.
# NO_TAR=1 hides tar, for pods whose image has none.
set -eu
DIR=$1 HOSTNAME_=$2 NO_TAR=${3:-0}
MNT=$DIR/mnt

read -r GPID _ < /proc/self/stat
echo "$GPID $(readlink /proc/self/ns/pid) $(readlink /proc/self/ns/mnt)" > "$DIR/init.tmp"
mv "$DIR/init.tmp" "$DIR/init"

mount -t tmpfs -o mode=755,size=${POD_TMPFS_SIZE:-256m} "pod-$HOSTNAME_" "$MNT"
mkdir "$MNT/upper" "$MNT/work" "$MNT/root"
mkdir -p "$MNT/upper/etc"
echo "$HOSTNAME_" > "$MNT/upper/etc/hostname"
R=$MNT/root
mount -t overlay -o "lowerdir=/,upperdir=$MNT/upper,workdir=$MNT/work" "pod-$HOSTNAME_" "$R"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
mount -t tmpfs -o mode=755,nosuid,size=1m dev "$R/dev"
mknod -m 666 "$R/dev/null" c 1 3; mknod -m 666 "$R/dev/zero" c 1 5; mknod -m 666 "$R/dev/full" c 1 7
mknod -m 666 "$R/dev/random" c 1 8; mknod -m 666 "$R/dev/urandom" c 1 9; mknod -m 666 "$R/dev/tty" c 5 0
ln -s /proc/self/fd "$R/dev/fd"; ln -s /proc/self/fd/0 "$R/dev/stdin"; ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
mkdir "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$R/dev/shm"
mount -t tmpfs -o mode=755,nosuid,nodev run "$R/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmp "$R/tmp"
if [ "$NO_TAR" = 1 ]; then rm -f "$R/usr/bin/tar" "$R/bin/tar"; fi
hostname "$HOSTNAME_"

cd "$R"
mkdir -p .oldroot
pivot_root . .oldroot
umount -l /.oldroot
rmdir /.oldroot
cd /
# ready once PID 1 is tini (sandbox.ts watches /proc/PID/comm): the root is in place
exec /usr/bin/tini -s -- /bin/sleep infinity
