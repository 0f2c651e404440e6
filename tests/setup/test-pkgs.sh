#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/lib/pkgs.sh, as scripts/setup.sh runs it (set -euo pipefail):
# missing names exactly the packages dpkg does not have installed, and
# install_pkgs asks apt-get for those. On a new machine most packages are
# unknown to dpkg, which makes dpkg-query exit 1: a missing that let that
# status through reported "nothing missing" and installed nothing.
#
# Each call runs in a bash of its own with setup.sh's options: set -e is
# off in a subshell on the left of || or in a command substitution, so
# calling the functions from here would hide the very failure looked for.
# Nothing is installed: as_root is replaced by one that prints what it
# was asked to run.

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/ktap_helpers.sh
. "$top/tests/ktap_helpers.sh"

# A package every Debian host has, and names no Debian package can have.
have=dpkg
none1=kmodlab-no-such-package
none2=kmodlab-no-such-package-either

# as_setup FUNCTION ARG...: FUNCTION ARG... in a bash run as setup.sh is.
as_setup() {
	bash -c 'set -euo pipefail
		say() { printf "say: %s\n" "$*" >&2; }
		die() { printf "die: %s\n" "$*" >&2; exit 1; }
		. "$0"
		as_root() { printf "as_root: %s\n" "$*" >&2; }
		"$@"' "$top/scripts/lib/pkgs.sh" "$@"
}

# check_missing NAME EXPECTED PKG...: missing PKG... prints EXPECTED.
check_missing() {
	local name=$1 want=$2 got rc

	shift 2
	got=$(as_setup missing "$@" 2>&1 | tr '\n' ' ')
	rc=${PIPESTATUS[0]}
	if [ "$rc:$got" = "0:$want" ]; then
		ktap_test_pass "$name"
	else
		ktap_print_msg "missing $*: expected '$want' (exit 0), got '$got' (exit $rc)"
		ktap_test_fail "$name"
	fi
}

ktap_print_header
ktap_set_plan 5
check_missing "missing: an installed package is not missing" "" $have
check_missing "missing: an unknown package is missing" "$none1 " $have $none1
check_missing "missing: unknown packages alone" "$none1 $none2 " $none1 $none2

# install_pkgs asks apt-get for what is missing, then finds it still
# missing (as_root installed nothing): that must be an error too.
out=$(as_setup install_pkgs $have $none1 2>&1)
rc=$?
case $out in
*"as_root: env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $none1"*)
	ktap_test_pass "install_pkgs: apt-get install is asked for the missing one" ;;
*)
	ktap_print_msg "expected an apt-get install of $none1, got: $out"
	ktap_test_fail "install_pkgs: apt-get install is asked for the missing one" ;;
esac
case $rc:$out in
1:*"die: apt-get did not install: $none1"*)
	ktap_test_pass "install_pkgs: a package still missing afterwards fails" ;;
*)
	ktap_print_msg "expected exit 1 and 'apt-get did not install: $none1', got $rc: $out"
	ktap_test_fail "install_pkgs: a package still missing afterwards fails" ;;
esac
ktap_finished
