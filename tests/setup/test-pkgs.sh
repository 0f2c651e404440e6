#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# scripts/lib/pkgs.sh, as scripts/setup.sh runs it (bash, set -euo
# pipefail): missing names exactly the packages dpkg has not installed, and
# install_pkgs asks apt-get for those. On a new machine most packages are
# unknown to dpkg, which makes dpkg-query exit 1: a missing that let that
# status through reported "nothing missing" and installed nothing.
#
# Each call runs in a bash of its own with setup.sh's options (set -e is
# off in a subshell on the left of || and in a command substitution, so a
# call from a test's own shell would hide the very failure looked for).
# Nothing is installed: as_root is replaced by one that prints what it
# was asked to run.

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"
top=$(cd "${0%/*}/../.." && pwd)

# A package every Debian host has, and names no Debian package can have.
have=dpkg
none1=kmodlab-no-such-package
none2=kmodlab-no-such-package-either

# as_setup FUNCTION ARG...: FUNCTION ARG... in a bash run as setup.sh is.
# shellcheck disable=SC2317 # called through run
as_setup() {
	bash -c 'set -euo pipefail
		say() { printf "say: %s\n" "$*" >&2; }
		die() { printf "die: %s\n" "$*" >&2; exit 1; }
		. "$0"
		as_root() { printf "as_root: %s\n" "$*" >&2; }
		"$@"' "$top/scripts/lib/pkgs.sh" "$@" 2>&1
}

ktap_print_header
ktap_set_plan 5

run as_setup missing $have
check_run "missing: an installed package is not missing" 0
check_eq "... and it prints nothing" "" "$out"
run as_setup missing $have $none1 $none2
check_eq "missing: packages dpkg does not know are missing" \
	"$none1
$none2" "$out"

# install_pkgs asks apt-get for what is missing, then finds it still
# missing (as_root installed nothing): that must be an error too.
run as_setup install_pkgs $have $none1
check_match "install_pkgs: apt-get install is asked for the missing one" \
	"^as_root: env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $none1\$" \
	"$out"
check_run "install_pkgs: a package still missing afterwards fails" 1 \
	"^die: apt-get did not install: $none1\$"
ktap_finished
