# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# What the host's checks (tests/host/test-*.sh) share: the tests' helpers,
# the top of the tree as $top, and a scratch folder $tmp removed on exit.
# (The EXIT trap is set here: kmodlab.sh sets its own only for a test
# that takes module locks, require_modules, which no host check does.)

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

# shellcheck disable=SC2034 # for the checks that source this
top=$(cd "${0%/*}/../.." && pwd)
tmp=$(mktemp -d)
# shellcheck disable=SC2317 # called at exit
test_cleanup() { rm -rf "$tmp"; }
trap test_cleanup EXIT
