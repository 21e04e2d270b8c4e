# Sourced by the PID 1 scripts of test hosts (host-init.sh) and simulated pods
# (test/k8s-sim/pod-init.sh): what a fresh mount namespace needs under an overlay root R before
# it becomes /, and the pivot into it. Everything mounted here dies with the namespace.

# record_init FILE: our global pid and namespace ids, seen from the machine, written atomically;
# whoever stops the sandbox checks them before it signals the pid (never a recycled one).
record_init() {
  read -r GPID _ < /proc/self/stat
  echo "$GPID $(readlink /proc/self/ns/pid) $(readlink /proc/self/ns/mnt)" > "$1.tmp"
  mv "$1.tmp" "$1"
}

# mount_kernel_fs R: /proc, read-only /sys, a small /dev with the usual nodes and its own
# devpts, and private tmpfs on /dev/shm, /run, /tmp, /var/tmp.
mount_kernel_fs() {
  R=$1
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
}

# pivot_into R: make R the root and drop the machine's root from this namespace.
pivot_into() {
  cd "$1"
  mkdir -p .oldroot
  pivot_root . .oldroot
  umount -l /.oldroot
  rmdir /.oldroot
  cd /
}
