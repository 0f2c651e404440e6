# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# What the host's koinfo checks (tests/host/test-koinfo*.sh) share: the
# tests' helpers, the top of the tree as $top, a scratch folder $tmp
# removed on exit, and two of the Makefile's facts (scripts/lib/facts.sh):
#   KOINFO  the inspector (set it to koinfo-asan to run the same under the
#           sanitizers); a relative path is the tree's
#   KDIR    the tree the modules were built against

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

top=$(cd "${0%/*}/../.." && pwd)
KOINFO=${KOINFO:?run it through make, which exports it}
case $KOINFO in /*) ;; *) KOINFO=$top/$KOINFO ;; esac
KDIR=${KDIR:?run it through make, which exports it}
tmp=$(mktemp -d)
# shellcheck disable=SC2317 # called by kmodlab.sh at exit
test_cleanup() { rm -rf "$tmp"; }
trap test_cleanup EXIT
