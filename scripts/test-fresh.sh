#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove the README's promise on clean machines. For each Debian release of
# FRESH, a root made by 'debootstrap --variant=minbase' with only make, git
# and ca-certificates added and the host's Debian apt sources (made once,
# kept as a tarball in the cache), unpacked anew for each run:
#
#   1. as root: the committed HEAD cloned into /root/kmodlab, then the
#      README's two commands, 'make demo' and 'make test', with an empty
#      kmodlab cache;
#   2. in another new root, the same as a user with passwordless sudo
#      (the README says "as root or a user with sudo").
#
# Each command's time and last line are printed as a KTAP result; a command
# that fails, or outlasts FRESH_TIMEOUT, fails the run. What the roots share
# is only what was downloaded: apt's .debs (per release) and kmodlab's
# debs/ folder (per release and user), bind-mounted from the cache; every
# install step runs inside the root. The mounts and the unpacked root are undone on every way out (a
# trap), and a root is never deleted while anything is still mounted in it.
#
# Variables a user may override:
#   FRESH          the releases to try (default: bookworm trixie)
#   FRESH_TIMEOUT  seconds one command may take (default: 2400)
#   FRESH_COMMANDS what to run in each root, separated by ';' (default:
#                  make demo;make test); e.g. '.ci/run', all of CI, cold
#   FRESH_USERS    who runs them, each in a root of its own (default: root
#                  learner, a user with passwordless sudo)
#   FRESH_DIR      where the roots are unpacked, and the logs kept
#                  (default: build/fresh)
#   KMODLAB_CACHE  the cache: the tarballs and shared .debs go to fresh/
#
# Usage: scripts/test-fresh.sh      (from the Makefile: make test-fresh)
# Needs root (debootstrap, chroot, mount) on a Debian host: run by another
# user, it runs itself again through sudo.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/facts.sh
. "$top/scripts/lib/facts.sh"
FRESH=${FRESH:-bookworm trixie}
FRESH_TIMEOUT=${FRESH_TIMEOUT:-2400}
FRESH_DIR=${FRESH_DIR:-$top/build/fresh}
store=$KMODLAB_CACHE/fresh
# The README's two commands, in its order; the user of step 2.
FRESH_COMMANDS=${FRESH_COMMANDS:-make demo;make test}
IFS=';' read -r -a COMMANDS <<<"$FRESH_COMMANDS"
FRESH_USERS=${FRESH_USERS:-root learner}
# What debootstrap adds to minbase.
INCLUDE=make,git,ca-certificates
HOST_SOURCES=/etc/apt/sources.list.d/debian.sources

say() { printf '# fresh: %s\n' "$*" >&2; }
die() { printf 'fresh: error: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null ||
		die "needs root (debootstrap, chroot, mount): run it as root"
	exec sudo env KMODLAB_CACHE="$KMODLAB_CACHE" FRESH="$FRESH" \
		FRESH_TIMEOUT="$FRESH_TIMEOUT" FRESH_DIR="$FRESH_DIR" \
		FRESH_COMMANDS="${FRESH_COMMANDS-}" FRESH_USERS="${FRESH_USERS-}" \
		"$0" "$@"
fi
command -v debootstrap >/dev/null ||
	die "no debootstrap: run 'scripts/setup.sh --fresh'"
[ -r "$HOST_SOURCES" ] ||
	die "no $HOST_SOURCES: the roots take the host's Debian sources from it"
git -C "$top" rev-parse --verify -q HEAD >/dev/null ||
	die "$top has no commit to clone"

host_suite=$(. /etc/os-release && echo "${VERSION_CODENAME-}")
# The first Debian mirror the host's sources name (not the -security one).
mirror=$(sed -n 's/^URIs: *//p' "$HOST_SOURCES" | grep -v -- '-security' |
	 head -n 1)
[ -n "$mirror" ] || die "$HOST_SOURCES names no mirror"

# The root being run (cleanup undoes it).
root=''

# cleanup: unmount what is mounted under the root, innermost first, then
# delete it, but only once nothing under it is a mount point any more.
cleanup() {
	[ -n "$root" ] || return 0
	kill_in "$root"
	unmount_all "$root" 2>/dev/null || :
	if mounted_under "$root"; then
		printf 'fresh: error: still mounted under %s; left as it is:\n' "$root" >&2
		mounted_under "$root" -v >&2
		root=''
		return 1
	fi
	rm -rf --one-file-system "$root"
	root=''
}
trap 'cleanup' EXIT
trap 'exit 130' INT TERM

# kill_in DIR: end every process whose root is DIR (an interrupted run's).
kill_in() {
	local p

	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" != "$1" ] ||
			kill -KILL "${p#/proc/}" 2>/dev/null || :
	done
}

# unmount_all DIR: unmount everything mounted under DIR, innermost first.
unmount_all() {
	local m

	for m in $(mounted_under "$1" -v | sort -r); do
		umount "$m" || umount -l "$m"
	done
}

# mounted_under DIR [-v]: something is mounted at or below DIR (-v: print
# the mount points). DIR has no space (the Makefile refuses one).
mounted_under() {
	local found

	found=$(awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' \
		/proc/self/mountinfo)
	[ "${2-}" != -v ] || [ -z "$found" ] || printf '%s\n' "$found"
	[ -n "$found" ]
}

# bind SRC DEST: bind-mount SRC at DEST in the root (made if need be).
bind() {
	mkdir -p "$2"
	mount --bind "$1" "$2"
}

# tarball RELEASE: set tarball to the clean root of RELEASE, made once.
# debootstrap leaves /proc mounted in the root it made: that is undone
# before the root is packed (and by cleanup, if debootstrap fails).
tarball() {
	tarball=$store/$1-minbase.tar.gz
	[ -s "$tarball" ] && return
	root=$FRESH_DIR/debootstrap-$1
	say "making a clean Debian $1 root with debootstrap (once, ~2 min; kept in $tarball)"
	rm -rf --one-file-system "$root" && mkdir -p "$store" "$FRESH_DIR"
	debootstrap --variant=minbase --include="$INCLUDE" "$1" "$root" \
		"$mirror" >"$FRESH_DIR/debootstrap-$1.log" 2>&1 || {
		tail -n 20 "$FRESH_DIR/debootstrap-$1.log" >&2
		die "debootstrap $1 failed (log: $FRESH_DIR/debootstrap-$1.log)"
	}
	unmount_all "$root"
	# What debootstrap downloaded is no part of the machine.
	rm -f "$root"/var/cache/apt/archives/*.deb
	tar -C "$root" --one-file-system --numeric-owner -czf "$tarball.new" .
	mv "$tarball.new" "$tarball"
	cleanup
}

# unpack RELEASE WHO: a new root for WHO (root or a user) in $root, from
# $tarball, with the host's Debian sources for RELEASE and the shared .debs
# mounted.
unpack() {
	local release=$1 who=$2 home=/root apt=$store/$1-apt debs

	root=$FRESH_DIR/$release-$who
	! mounted_under "$root" || die "something is still mounted under $root"
	rm -rf --one-file-system "$root" && mkdir -p "$root"
	tar -C "$root" --numeric-owner -xzf "$tarball"
	# The host's Debian sources, for RELEASE; debootstrap's own list goes.
	rm -f "$root/etc/apt/sources.list"
	sed "s/\b$host_suite\b/$release/g" "$HOST_SOURCES" \
		>"$root/etc/apt/sources.list.d/debian.sources"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	# A root thrown away after the run need not survive a power cut:
	# dpkg skips its fsync calls, as container images set it.
	echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/kmodlab-fresh"

	mount -t proc proc "$root/proc"
	bind /sys "$root/sys"
	bind /dev "$root/dev"
	bind /dev/pts "$root/dev/pts"
	mkdir -p "$apt"
	bind "$apt" "$root/var/cache/apt/archives"
	if [ "$who" != root ]; then
		home=/home/$who
		as_root_in apt-get update -q
		as_root_in env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends sudo
		# As the user's machine would be: apt's lists not read yet.
		rm -rf "$root"/var/lib/apt/lists/*
		as_root_in useradd -m -s /bin/bash "$who"
		echo "$who ALL=(ALL) NOPASSWD:ALL" >"$root/etc/sudoers.d/$who"
		chmod 0440 "$root/etc/sudoers.d/$who"
	fi
	# kmodlab's downloads, shared per release and user (it downloads as
	# the user); the rest of its cache starts empty. The path is where the
	# Makefile's KMODLAB_CACHE points for that user in a new root, which
	# sets no XDG_CACHE_HOME.
	debs=$store/$release-debs-$who
	mkdir -p "$debs" "$root$home/.cache/kmodlab/debs"
	bind "$debs" "$root$home/.cache/kmodlab/debs"
	git clone -q "$top" "$root$home/kmodlab"
	[ "$who" = root ] ||
		as_root_in chown -R "$who:$who" "$home/.cache" "$home/kmodlab"
}

# as_root_in CMD...: CMD in the root, as its root.
as_root_in() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 "$@"
}

# in_root WHO COMMAND LOG: COMMAND in ~WHO/kmodlab, as WHO, with a login's
# environment and nothing of ours; the output to LOG.
in_root() {
	local who=$1 home=/root path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	local su=()

	if [ "$who" != root ]; then
		home=/home/$who path=/usr/local/bin:/usr/bin:/bin
		su=(/usr/sbin/runuser -u "$who" --)
	fi
	# In the background, so that a signal to this script is handled at
	# once (bash runs a trap only once the foreground command is done).
	timeout -k 30 "$FRESH_TIMEOUT" chroot "$root" "${su[@]}" /usr/bin/env -i \
		HOME="$home" USER="$who" LOGNAME="$who" PATH="$path" \
		LANG=C.UTF-8 TERM=dumb /bin/bash -c "cd ~/kmodlab && $2" \
		</dev/null >"$3" 2>&1 &
	wait $!
}

# fresh RELEASE WHO: one subtest, one result per command.
fresh() {
	local release=$1 who=$2 n=0 cmd log rc start last failed=''

	printf '  KTAP version 1\n  1..%d\n' ${#COMMANDS[@]}
	start=$SECONDS
	# A subshell of its own, not in an if: set -e must stop it.
	set +e
	(set -e; unpack "$release" "$who") >"$FRESH_DIR/$release-$who.log" 2>&1
	rc=$?
	set -e
	if [ $rc -ne 0 ]; then
		printf '  # making the root failed (log: %s):\n' "$FRESH_DIR/$release-$who.log"
		tail -n 5 "$FRESH_DIR/$release-$who.log" | sed 's/^/  #   /'
		failed=1
	fi
	printf '  # a new %s root for %s in %d s\n' "$release" "$who" $((SECONDS - start))
	for cmd in "${COMMANDS[@]}"; do
		n=$((n + 1))
		log=$FRESH_DIR/$release-$who-${cmd//[^A-Za-z0-9._]/-}.log
		if [ -n "$failed" ]; then
			printf '  not ok %d %s # the root or an earlier command failed\n' $n "$cmd"
			continue
		fi
		start=$SECONDS
		in_root "$who" "$cmd" "$log" && rc=0 || rc=$?
		last=$(tail -n 1 "$log")
		printf '  # %s: %d s, exit %d; last line: %s\n' "$cmd" \
			$((SECONDS - start)) $rc "$last"
		if [ $rc -eq 0 ]; then
			printf '  ok %d %s\n' $n "$cmd"
		else
			[ $rc -ne 124 ] || printf '  # it ran out of time (FRESH_TIMEOUT=%s)\n' "$FRESH_TIMEOUT"
			printf '  # the log: %s; its end:\n' "$log"
			tail -n 15 "$log" | sed 's/^/  #   /'
			printf '  not ok %d %s\n' $n "$cmd"
			failed=1
		fi
	done
	return $((failed ? 1 : 0))
}

mkdir -p "$FRESH_DIR" "$store"
# shellcheck disable=SC2086 # a list of releases
set -- $FRESH
read -r -a users <<<"$FRESH_USERS"
printf 'KTAP version 1\n1..%d\n' $(($# * ${#users[@]}))
n=0 rc=0
for release; do
	# In this shell, so that cleanup (on EXIT) undoes a failed debootstrap.
	tarball "$release"
	for who in $FRESH_USERS; do
		n=$((n + 1))
		# Named here, so that cleanup finds it whatever fresh did.
		root=$FRESH_DIR/$release-$who
		if fresh "$release" "$who"; then
			printf 'ok %d %s-%s\n' $n "$release" "$who"
		else
			printf 'not ok %d %s-%s\n' $n "$release" "$who"
			rc=1
		fi
		cleanup
	done
done
exit $rc
