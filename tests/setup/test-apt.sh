#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kmodlab's own apt lists (scripts/lib/debs.sh, use_suite), against the
# real mirror: a suite whose Release has expired is read anyway, for those
# lists only, and said with its date; a real failure (no such suite, no
# mirror) stops with apt's words. The mirror these machines reach serves
# pinned snapshots, so sid's Valid-Until has passed on any machine that
# has no cached lists, and a first 'make KERNEL=edge' failed there.
#
# A developer's apt may be told not to check Valid-Until at all
# (Acquire::Check-Valid-Until "false" in /etc/apt/apt.conf.d), which would
# hide the case: apt reads APT_CONFIG before apt.conf.d, so APT_CONFIG
# points Dir::Etc::Parts at an empty folder (apt as a new machine has it)
# and sets Max-ValidTime to a day, so that any snapshot older than a day
# has expired for apt, whatever its Release says. Lists go to a scratch
# cache.

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"
top=$(cd "${0%/*}/../.." && pwd)
scratch=$top/build/test-setup/apt
rm -rf "$scratch" && mkdir -p "$scratch"
mkdir "$scratch/apt.conf.d"
printf 'Dir::Etc::Parts "%s";\nAcquire::Max-ValidTime "86400";\n' \
	"$scratch/apt.conf.d" >"$scratch/apt.conf"

# as_setup [VAR=VALUE...]: use_suite $SUITE (then apt_cache policy $PKG,
# unpack_deb $UNPACK) in a bash run as setup.sh is.
# shellcheck disable=SC2016,SC2317 # bash expands it; called through run
as_setup() {
	env APT_CONFIG="$scratch/apt.conf" CACHE="$scratch/cache" \
	    DEBIAN_MIRROR=http://deb.debian.org/debian \
	    DEBIAN_SECURITY=http://deb.debian.org/debian-security "$@" \
	bash -c 'set -euo pipefail
		say() { printf "say: %s\n" "$*" >&2; }
		die() { printf "die: %s\n" "$*" >&2; exit 1; }
		debs=$CACHE/debs host_suite=kmodlab-not-the-host
		. "$0"
		use_suite "$1"
		[ -z "${2-}" ] || apt_cache policy "$2"
		[ -z "${3-}" ] || unpack_deb "$3" arm64 "$CACHE/unpacked"' \
		"$top/scripts/lib/debs.sh" "$SUITE" "${PKG-}" "${UNPACK-}" 2>&1
}

ktap_print_header
ktap_set_plan 10

before=$(apt-config dump)
: >"$scratch/start"
SUITE=sid PKG=linux-source run as_setup
check_run "an expired suite is read anyway" 0
check_match "... and that is said, with the date it expired" \
	"^say: Debian sid's Release expired on [A-Z][a-z][a-z], [0-9]+ [A-Z][a-z]+ 20[0-9][0-9] .* read anyway, for kmodlab's lists of sid only\$" \
	"$out"
check_match "... and its lists answer" "^  Candidate: [0-9]" "$out"
check_eq "... the host's apt configuration is as it was" "$before" \
	"$(apt-config dump)"
check_eq "... no file under /etc/apt changed" "" \
	"$(find /etc/apt -newer "$scratch/start" 2>&1)"

SUITE=sid run as_setup
check_eq "read once: a second use of the suite reads nothing" "" "$out"

# unpack_deb of a package not fetched yet (as a kernel of another suite
# wants its own linux-kbuild) fetches it first.
SUITE=sid UNPACK=busybox-static run as_setup
check_run "unpack_deb fetches a .deb not in the cache" 0 \
	"^say: downloading busybox-static:arm64\$"
# sid's busybox is in /usr/bin (merged /usr), bookworm's in /bin.
run find "$scratch/cache/unpacked" -name busybox -type f -perm -u+x
check_match "... and unpacks it" "/unpacked/(usr/)?bin/busybox\$" "$out"

SUITE=kmodlab-no-such-suite run as_setup
check_run "a suite the mirror does not have fails, with apt's words" 1 \
	"^die: apt-get update for Debian kmodlab-no-such-suite failed \(above\): check the network and http://deb.debian.org/debian\$"

SUITE=bookworm run as_setup DEBIAN_MIRROR=http://127.0.0.1:9/debian \
	DEBIAN_SECURITY=http://127.0.0.1:9/debian-security
check_run "a mirror that cannot be reached fails" 1 \
	"^die: apt-get update for Debian bookworm failed \(above\): check the network and http://127.0.0.1:9/debian\$"
ktap_finished
