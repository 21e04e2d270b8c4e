#!/bin/sh
# PID 1 of one simulated host (fresh mount+pid+uts namespaces, made by fleet.ts with unshare):
# builds an overlay root over / with a private tmpfs upper layer, mounts the kernel
# filesystems a host needs, pivots into it and becomes sshd (under tini, which reaps).
# Everything mounted here dies with the namespace.
set -eu
I=$1 IP=$2 ROOT=$3
NAME=host$I
RUN=$ROOT/run MNT=$ROOT/mnt TEMPLATE=$ROOT/template

# who we are, seen from the machine: our global pid and namespace ids (fleet.ts checks them before signalling)
read -r GPID _ < /proc/self/stat
echo "$GPID $(readlink /proc/self/ns/pid) $(readlink /proc/self/ns/mnt)" > "$RUN/$NAME.init.tmp"
mv "$RUN/$NAME.init.tmp" "$RUN/$NAME.init"

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
mount -t tmpfs -o mode=1777,nosuid,nodev vartmp "$R/var/tmp"
mkdir -p "$R/run/sshd" "$R/run/lock" "$R/run/systemd/system"
hostname "$NAME"

cd "$R"
mkdir -p .oldroot
pivot_root . .oldroot
umount -l /.oldroot
rmdir /.oldroot
cd /
exec /usr/bin/tini -s -- /usr/sbin/sshd -D -e
