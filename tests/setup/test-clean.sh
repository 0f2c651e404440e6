#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make modules-clean leaves nothing that says the modules are built. The
# guest targets skip Kbuild while build/modules.stamp matches the build's
# variables (the Makefile's STAMP); a stamp that outlived the clean made
# the next 'make test' skip the build and fail on fixture_no_import, which
# needs the Module.symvers the clean removed. In a copy of the tracked
# files in build/test-setup/, with a stamp of its own: nothing is built.

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"
top=$(cd "${0%/*}/../.." && pwd)
copy=$top/build/test-setup/clean/kmodlab
rm -rf "${copy%/*}" && mkdir -p "$copy/build"
(cd "$top" && git ls-files -z | xargs -0 cp --parents -t "$copy")

ktap_print_header
ktap_set_plan 2

echo built >"$copy/build/modules.stamp"
run make -C "$copy" --no-print-directory modules-clean
check_run "make modules-clean succeeds" 0
check_eq "... and removes the stamp that says the modules are built" no \
	"$(test -e "$copy/build/modules.stamp" && echo yes || echo no)"
rm -rf "${copy%/*}"
ktap_finished
