# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Make the real kmod answer for insmod, rmmod, modprobe, lsmod, modinfo and
# depmod. Debian's busybox-static sh runs its own applets before it looks
# in $PATH, so a bare "insmod" would be busybox's: shell functions come
# first of all, so each tool becomes a function calling kmod's by path.
# Sourced by the tests, and by the guest's interactive shell ($ENV).

# KMOD_MISSING lists the tools kmod does not provide here. A busybox
# applet is a link to busybox: test -ef (same file) tells, with no process
# (not POSIX, but busybox sh, dash and bash all have it).
KMOD_MISSING=
for _tool in insmod rmmod modprobe lsmod modinfo depmod; do
	_found=
	for _dir in /sbin /usr/sbin /bin /usr/bin; do
		_path=$_dir/$_tool
		[ -x "$_path" ] || continue
		# shellcheck disable=SC3013
		[ "$_path" -ef /bin/busybox ] || [ "$_path" -ef /usr/bin/busybox ] &&
			continue
		eval "$_tool() { \"$_path\" \"\$@\"; } ; kmod_$_tool=\$_path"
		_found=1
		break
	done
	[ -n "$_found" ] || KMOD_MISSING="$KMOD_MISSING $_tool"
done
unset _tool _dir _path _found
