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
kos=$(cd "$top" && scripts/kos.sh | xargs realpath)

ktap_print_header
ktap_set_plan "$(($(echo "$kos" | wc -l) * 2))"
# One readelf for all (a process costs ~10 ms, and this runs beside the
# guest): per file, "NAME<tab>CLASS TYPE MACHINE<tab>MISSING SECTIONS".
tab=$(printf '\t')
# shellcheck disable=SC2086 # one path a word
facts=$(readelf -h -S -W $kos 2>&1 | awk -v OFS='\t' -v first="${kos%%"
"*}" '
	function begin(path,   name) {	# a "File:" line when more than one
		name = path
		sub(/.*\//, "", name)
		if (path != "" && name == m)
			return
		if (m != "")
			print m, class " " type " " machine, missing()
		m = name
		split("", sec)
		class = type = machine = "?"
	}
	function missing(   want, i, n, s) {
		n = split(".modinfo __versions .gnu.linkonce.this_module", want, " ")
		for (i = 1; i <= n; i++)
			if (!(want[i] in sec))
				s = s " " want[i]
		return s
	}
	NR == 1 { begin(first) }
	/^File: / { begin($2); next }
	/^  Class:/ { class = $2 }
	/^  Type:/ { type = $2 " " $3 " " $4 }
	/^  Machine:/ { machine = $0; sub(/^  Machine: */, "", machine) }
	/^ *\[ *[0-9]+\] / { sub(/^ *\[ *[0-9]+\] */, ""); sec[$1] = 1 }
	END { begin("") }')
while IFS=$tab read -r name hdr missing; do
	check_eq "$name: ELF64 REL for AArch64" "ELF64 REL (Relocatable file) AArch64" "$hdr"
	check_eq "$name: has .modinfo, __versions, .gnu.linkonce.this_module" "" "$missing"
done <<EOF
$facts
EOF
ktap_finished
