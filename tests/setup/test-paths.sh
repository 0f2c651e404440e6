#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Paths Kbuild cannot build in are refused at once, by the Makefile, with
# what to do: a checkout whose path has a space (make splits M=$(CURDIR)
# into words, and Kbuild failed deep inside with "No rule to make target
# 'dir/kmodlab'"), a KDIR or KMODLAB_CACHE with one, and a KDIR that is
# no kernel tree (Kbuild said only "/x: No such file or directory"). The
# checkout is a copy of the tracked files in build/test-setup/; nothing is
# built.

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"
top=$(cd "${0%/*}/../.." && pwd)
copy="$top/build/test-setup/my dir/kmodlab"
rm -rf "$top/build/test-setup/my dir" && mkdir -p "$copy"
(cd "$top" && git ls-files -z | xargs -0 cp --parents -t "$copy")

ktap_print_header
ktap_set_plan 9

for target in demo test; do
	run make -C "$copy" --no-print-directory "$target"
	check_run "make $target in a path with a space is refused" 2 \
		"has a space in it, and Kbuild cannot build there: move or clone kmodlab to a path without spaces"
done
check_eq "... and nothing was built or fetched" "" \
	"$(cd "$copy" && git -C "$top" ls-files | sort >"$copy/../tracked" &&
	   find . -type f | sed 's|^\./||' | sort | comm -13 "$copy/../tracked" -)"
check_eq "... the message names the path" 1 \
	"$(printf '%s\n' "$out" | grep -cF "the path '$copy' has a space")"

# As a user types them: not under a make that exports its own KDIR
# (test-all's), which would hide the cache's path.
unset KDIR
run make -C "$top" --no-print-directory modules KDIR="/tmp/kmodlab a b"
check_run "a KDIR with a space is refused" 2 \
	"KDIR '/tmp/kmodlab a b' has a space in it, and Kbuild cannot build against it"
run make -C "$top" --no-print-directory modules KDIR=/nonexistent
check_run "a KDIR that is not a kernel tree is refused, before Kbuild" 2 \
	"^kmodlab: KDIR '/nonexistent' is not a kernel tree \\(no Makefile\\): name a built tree or its headers"
check_eq "... and Kbuild did not start (its 'No such file or directory')" 0 \
	"$(printf '%s\n' "$out" | grep -c '/nonexistent: No such file or directory')"
run make -C "$top" --no-print-directory test KMODLAB_CACHE="/tmp/kmodlab a b"
check_run "a KMODLAB_CACHE with a space is refused" 2 \
	"KMODLAB_CACHE '/tmp/kmodlab a b' has a space in it"
check_eq "... and nothing was made there" no \
	"$(test -e "/tmp/kmodlab a b" && echo yes || echo no)"
ktap_finished
