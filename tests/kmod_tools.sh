# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Make the real kmod answer for insmod, rmmod, modprobe, lsmod, modinfo and
# depmod. Debian's busybox-static sh runs its own applets before it looks
# in $PATH, so a bare "insmod" would be busybox's: shell functions come
# first of all, so each tool becomes a function calling kmod's by path.
# Sourced by the tests, and by the guest's interactive shell ($ENV).

for _tool in insmod rmmod modprobe lsmod modinfo depmod; do
	for _dir in /sbin /usr/sbin /bin /usr/bin; do
		_path=$_dir/$_tool
		[ -x "$_path" ] || continue
		case $(readlink -f "$_path") in
		*/busybox) continue ;;
		esac
		eval "$_tool() { \"$_path\" \"\$@\"; }"
		break
	done
done
unset _tool _dir _path
