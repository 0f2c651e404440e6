#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: each built .ko is what init_module() expects, an arm64 ELF
# relocatable object with the sections the loader looks for: .modinfo,
# __versions (modversions) and .gnu.linkonce.this_module (struct module).
# Reads the files with readelf; loads nothing.

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

top=$(cd "${0%/*}/../.." && pwd)
# Kbuild's list of what it built: .o names since 6.2, .ko before.
kos=$(cd "$top" && sed 's/\.o$/.ko/; s|^kernel/||' modules.order |
      xargs realpath)

ktap_print_header
ktap_set_plan "$(($(echo "$kos" | wc -l) * 2))"
for ko in $kos; do
	name=${ko##*/}
	hdr=$(readelf -h "$ko" 2>&1)
	check_eq "$name: ELF64 REL for AArch64" "ELF64 REL (Relocatable file) AArch64" \
		"$(field '  Class' "$hdr") $(field '  Type' "$hdr" | cut -d' ' -f1-3) $(field '  Machine' "$hdr")"
	sections=$(readelf -SW "$ko" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .*/\1/p')
	missing=
	for s in .modinfo __versions .gnu.linkonce.this_module; do
		printf '%s\n' "$sections" | grep -qx -- "$s" || missing="$missing $s"
	done
	check_eq "$name: has .modinfo, __versions, .gnu.linkonce.this_module" "" "$missing"
done
ktap_finished
