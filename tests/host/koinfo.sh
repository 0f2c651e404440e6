# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# What the host's koinfo checks (tests/host/test-koinfo*.sh) share: what
# every host check has (host.sh: the helpers, $top, $tmp) and two of the
# Makefile's facts (scripts/lib/facts.sh):
#   KOINFO  the inspector (set it to koinfo-asan to run the same under the
#           sanitizers); a relative path is the tree's
#   KDIR    the tree the modules were built against

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"
KOINFO=${KOINFO:?run it through make, which exports it}
case $KOINFO in /*) ;; *) KOINFO=$top/$KOINFO ;; esac
KDIR=${KDIR:?run it through make, which exports it}
