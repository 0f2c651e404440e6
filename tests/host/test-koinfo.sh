#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: tools/koinfo describes each built .ko as readelf sees it and
# predicts what the kernel will say about it.
#   - per module: sections (name, flags, size), relocation sections and
#     their entry counts, undefined symbols, the __versions count, the init
#     and exit functions behind struct module's relocations: all as readelf
#     reports them; .init* sections in the init part, .exit* in core
#     (mod_unload); --against KDIR predicts a clean load, the modules it
#     depends on are the ones modpost wrote in depends=, and the vermagic
#     it composes from KDIR is the one Kbuild wrote into the module;
#   - damaged copies (empty, truncated, bad magic, wrong e_machine, not
#     ELF) get one line on stderr with the kernel's check and exit 1 (the
#     loader refuses them); what koinfo cannot read (a missing file, a
#     folder, a KDIR that is no kernel tree) gets one line saying why and
#     exit 2 (it cannot tell), with or without --against;
#   - against a copy of KDIR changed on purpose, the refusal the kernel
#     would print comes out, in its own words (kernel/module/main.c and
#     kernel/module/version.c, Linux 6.1): a CRC that differs, a missing
#     symbol, a namespace not imported, a GPL-only symbol used by a module
#     that is not GPL, a different vermagic.
# Every module is read in one call of each program (readelf, koinfo
# --json, koinfo --against, koinfo --json --against), and each output in
# one awk into facts, a file each ($tmp/readelf/NAME.KIND and
# $tmp/koinfo/NAME.KIND), that the checks compare: a process costs ~10 ms
# here, and this file runs beside the guest at idle priority.
# Variables: KOINFO, KDIR (tests/host/koinfo.sh)

# shellcheck source=tests/host/koinfo.sh
. "${0%/*}/koinfo.sh"
kos=$(cd "$top" && scripts/kos.sh | xargs realpath)

ktap_print_header
[ -x "$KOINFO" ] || ktap_skip_all "$KOINFO not built: run 'make koinfo'"
[ -r "$KDIR/Module.symvers" ] || ktap_skip_all "no $KDIR/Module.symvers"
ktap_set_plan "$(($(echo "$kos" | wc -l) * 10 + 17))"

fact() {	# SIDE NAME KIND: slurp $tmp/SIDE/NAME.KIND
	slurp "$tmp/$1/$2.$3"
}

# Both sides write, per module NAME (the file's name without .ko):
#   NAME.sections    "name flags size" per section but the first ("-": no
#                    flags), sizes in decimal
#   NAME.relocs      "section entries" per relocation section
#   NAME.undefined   the undefined symbols, sorted
#   NAME.versions    how many __versions entries
#   NAME.parts       "name init|core" for the .init* and .exit* sections
#   NAME.init        readelf: the offset (decimal) of the relocation of
#                    .gnu.linkonce.this_module against init_module + 0, and
#                    NAME.funcs, the FUNC symbols; koinfo: "function offset"
# readelf adds NAME.vermagic and NAME.depends (.modinfo); koinfo NAME.file
# and NAME.name.
mkdir "$tmp/readelf" "$tmp/koinfo"
SORT='function flush_undefined(file,   i, j, t) {	# insertion sort: few
	for (i = 2; i <= nu; i++)
		for (j = i; j > 1 && und[j - 1] > und[j]; j--) {
			t = und[j]; und[j] = und[j - 1]; und[j - 1] = t
		}
	for (i = 1; i <= nu; i++)
		print und[i] > file
	nu = 0
}
function module(path) {
	sub(/.*\//, "", path)
	sub(/\.ko:?$/, "", path)
	return dir "/" path
}'

# shellcheck disable=SC2086 # one path a word
readelf -W -S -r -s -p .modinfo $kos 2>&1 | awk -v dir="$tmp/readelf" \
	-v first="${kos%%"$nl"*}" "$SORT"'
	function hex(s,   i, n) {
		n = 0
		for (i = 1; i <= length(s); i++)
			n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return n
	}
	function begin(path) {	# one "File:" line per file, when more than one
		if (path != "" && module(path) == m)
			return
		if (m != "") {
			flush_undefined(m ".undefined")
			print versions + 0 > (m ".versions")
		}
		m = module(path)
		versions = 0
		view = ""
	}
	NR == 1 { begin(first) }
	/^File: / { begin($2); next }
	/^Section Headers:/ { view = "sections"; next }
	/^Key to Flags:/ { view = ""; next }
	/^Relocation section / {
		view = "relocs"
		rel = $3
		gsub(/\047/, "", rel)
		print rel, $(NF - 1) > (m ".relocs")
		next
	}
	/^Symbol table / { view = "symbols"; next }
	/^String dump of section/ { view = "modinfo"; next }
	view == "sections" && /^ *\[ *[0-9]+\] / {
		first_section = /^ *\[ *0\] /
		sub(/^ *\[ *[0-9]+\] */, "")
		if (first_section)
			next
		flags = NF == 10 ? $7 : "-"
		print $1, flags, hex($5) > (m ".sections")
		if (flags ~ /A/ && $1 ~ /^\.init/)
			print $1, "init" > (m ".parts")
		if (flags ~ /A/ && $1 ~ /^\.exit/)
			print $1, "core" > (m ".parts")
		# struct modversion_info: an unsigned long CRC and a 56-byte name.
		if ($1 == "__versions")
			versions = hex($5) / 64
		next
	}
	view == "relocs" && rel == ".rela.gnu.linkonce.this_module" && NF > 3 &&
	    $(NF - 2) == "init_module" && $(NF - 1) == "+" && $NF == "0" {
		print hex($1) > (m ".init")
		next
	}
	view == "symbols" && $7 == "UND" && $8 != "" { und[++nu] = $8; next }
	view == "symbols" && $4 == "FUNC" { print $8 > (m ".funcs"); next }
	view == "modinfo" && /^ *\[ *[0-9a-f]+\]  / {
		sub(/^ *\[ *[0-9a-f]+\]  /, "")
		if (/^(vermagic|depends)=/) {
			key = $0
			sub(/=.*/, "", key)
			sub(/^[a-z]*=/, "")
			print > (m "." key)
		}
	}
	END { begin("") }'

# koinfo --json, every module in one call: an array of one object each.
# shellcheck disable=SC2086
run "$KOINFO" --json $kos
json_rc=$rc
printf '%s\n' "$out" | awk -v dir="$tmp/koinfo" "$SORT"'
	function str(key,   s) {	# the string value of "key": "value"
		s = $0
		sub(".*\"" key "\": \"", "", s)
		sub(/".*/, "", s)
		return s
	}
	function num(key,   s) {
		s = $0
		sub(".*\"" key "\": ", "", s)
		sub(/[^0-9].*/, "", s)
		return s
	}
	function end_list() {
		if (list == "undefined")
			flush_undefined(m ".undefined")
		if (list == "versions")
			print versions + 0 > (m ".versions")
		list = ""
	}
	/^ *"file": / { m = module(str("file")); print str("file") > (m ".file"); next }
	/^ *"name": / { print str("name") > (m ".name"); next }
	/^ *"(versions|exports|undefined|sections|relocations)": \[/ {
		list = $1
		gsub(/[":]/, "", list)
		versions = 0
		if (/\]/)
			end_list()
		next
	}
	list != "" && /^ *\]/ { end_list(); next }
	list == "versions" && /"symbol": / { versions++; next }
	list == "undefined" && /"symbol": / { und[++nu] = str("symbol"); next }
	list == "sections" && /"index": / {
		name = str("name")
		flags = str("flags")
		print name, flags == "" ? "-" : flags, num("size") > (m ".sections")
		if (name ~ /^\.[ie][nx]i*t/)
			print name, str("part") > (m ".parts")
		next
	}
	list == "relocations" && /"section": / {
		print str("section"), num("entries") > (m ".relocs")
		next
	}
	/^ *"init": \{/ { print str("function"), num("offset") > (m ".init") }'

# --against KDIR with every module, as 'make image' asks (exporter.ko
# resolves its users' symbols): each module's report, then the next.
# shellcheck disable=SC2086
run "$KOINFO" --against "$KDIR" $kos
check_run "--against $KDIR, every module: exit 0 (all load)" 0
printf '%s\n' "$out" | awk -v dir="$tmp/koinfo" "$SORT"'
	/^== .*: predicted load/ { m = module($2); next }
	/^  depends: / { print $2 > (m ".depends"); next }
	/^  => / { sub(/^  /, ""); print > (m ".verdict") }'
# shellcheck disable=SC2086
run "$KOINFO" --json --against "$KDIR" $kos
against_json=$out

for ko in $kos; do
	name=${ko##*/}
	m=${name%.ko}
	fact koinfo "$m" file
	check_eq "$name: koinfo reads it" "exit 0: $ko" "exit $json_rc: $fact"
	for kind in sections relocs undefined versions init parts depends vermagic funcs; do
		fact readelf "$m" $kind
		eval "r_$kind=\$fact"
		fact koinfo "$m" $kind
		eval "k_$kind=\$fact"
	done
	# shellcheck disable=SC2154 # r_* and k_*: set by the eval above
	{
	check_eq "$name: sections, flags, sizes are readelf's" "$r_sections" "$k_sections"
	check_eq "$name: relocation sections and entry counts are readelf's" \
		"$r_relocs" "$k_relocs"
	check_eq "$name: undefined symbols are readelf's" "$r_undefined" "$k_undefined"
	check_eq "$name: __versions entries are its size / 64" "$r_versions" "$k_versions"
	# The init pointer: a relocation against .gnu.linkonce.this_module;
	# its function, a FUNC symbol of the module.
	initfn=
	case "$nl$r_funcs$nl" in
	*"$nl${k_init% *}$nl"*) initfn=${k_init% *} ;;
	esac
	check_eq "$name: init is the function init_module aliases, at its offset" \
		"${initfn:-?} ${r_init:-0}" "${k_init:-none}"
	# module_init_layout_section(): SHF_ALLOC .init* to init; with
	# mod_unload in vermagic, .exit* stays in core.
	check_eq "$name: .init* sections go to init, .exit* to core (mod_unload)" \
		"$r_parts" "$k_parts"
	fact koinfo "$m" verdict
	check_glob "$name: --against $KDIR predicts it loads" '=> loads*' "$fact"
	# "depends:" is what modpost wrote in .modinfo.
	check_eq "$name: the depends koinfo finds are modpost's: '$r_depends'" "$r_depends" \
		"$k_depends"
	# A glob, not a regular expression: 6.12's release has a "+".
	check_glob "$name: vermagic composed from KDIR is the module's" \
		"*\"vermagic\": \"$r_vermagic\"*" "$against_json"
	}
done
# Damaged copies of the first module.
ko=${kos%%"$nl"*}
: >"$tmp/empty.ko"
one_line_error "empty file: one-line error" "$tmp/empty.ko" 'Invalid ELF header len 0$'
head -c 4096 "$ko" >"$tmp/short.ko"
one_line_error "truncated copy: one-line error" "$tmp/short.ko" 'Invalid ELF section header overflow$'
{ printf 'XELF'; tail -c +5 "$ko"; } >"$tmp/magic.ko"
one_line_error "bad magic: one-line error" "$tmp/magic.ko" 'Invalid ELF header magic'
# e_machine, bytes 18-19: 62 is EM_X86_64.
{ head -c 18 "$ko"; printf '\076\000'; tail -c +21 "$ko"; } >"$tmp/machine.ko"
one_line_error "wrong e_machine: one-line error" "$tmp/machine.ko" 'Invalid architecture in ELF header: 62 '
one_line_error "not an ELF file: one-line error" "$0" 'Invalid ELF header magic'
# Not the loader's refusal: koinfo could not tell (2), and says why.
one_line_error "a missing file: cannot tell (exit 2), one line" "$tmp/missing.ko" \
	': No such file or directory$' 2
one_line_error "a folder: cannot tell (exit 2), one line" "$tmp" ': not a regular file$' 2
one_line_error "--against, a missing file: cannot tell (exit 2)" "$tmp/missing.ko" \
	': No such file or directory$' 2 --against "$KDIR"
one_line_error "--against, a module and a missing file: cannot tell (exit 2)" \
	"$tmp/missing.ko" ': No such file or directory$' 2 --against "$KDIR" "$ko"
one_line_error "--against a folder that is no kernel tree: cannot tell (exit 2)" "$ko" \
	'not a kernel build or headers tree$' 2 --against "$tmp"

# A copy of KDIR's facts, changed on purpose: what will the kernel say?
# The first module's first undefined symbol and its name, read above.
m=${ko##*/}
m=${m%.ko}
fake=$tmp/kdir
mkdir -p "$fake/include/generated"
cp "$KDIR/include/generated/utsrelease.h" "$KDIR/include/generated/autoconf.h" "$fake/include/generated/"
fact koinfo "$m" undefined
sym=${fact%%"$nl"*}
fact koinfo "$m" name
mod=$fact
fact readelf "$m" vermagic
vermagic=$fact
symvers() {	# AWK-PROGRAM for the line of $sym
	awk -v s="$sym" 'BEGIN { FS = OFS = "\t" } $2 != s { print; next } '"$1" \
		"$KDIR/Module.symvers" >"$fake/Module.symvers"
}
predict() {	# NAME ERE [FILE]
	run "$KOINFO" --against "$fake" "${3:-$ko}"
	check_run "$1" 1 "^koinfo: .*: $2\$"
}
# shellcheck disable=SC2016 # an awk program
symvers '{ $1 = "0x00000bad"; print }'
predict "a CRC that differs: disagrees about version of symbol" \
	"$mod: disagrees about version of symbol $sym"
symvers '{ }'
predict "a symbol nobody exports: Unknown symbol (err -2)" \
	"$mod: Unknown symbol $sym \(err -2\)"
# shellcheck disable=SC2016
symvers '{ $5 = "KMODLAB_TEST"; print }'
predict "a namespace not imported: the kernel's words" \
	"$mod: module uses symbol \($sym\) from namespace KMODLAB_TEST, but does not import it."
# shellcheck disable=SC2016
symvers '{ $4 = "EXPORT_SYMBOL_GPL"; print }'
perl -pe 's/license=GPL\0/license=Pro\0/' "$ko" >"$tmp/proprietary.ko"
predict "GPL-only symbol, license not GPL: Unknown symbol (err -2)" \
	"$mod: Unknown symbol $sym \(err -2\)" "$tmp/proprietary.ko"
cp "$KDIR/Module.symvers" "$fake/"
# Flip preempt in the kernel's config: add it where the module was built
# without it (Debian's kernels), take it away where it was built with it
# (the edge kernel).
conf=$fake/include/generated/autoconf.h
case "$vermagic " in
*" preempt "*)
	sed -i '/#define CONFIG_PREEMPT_BUILD /d' "$conf"
	expect='SMP mod_unload' ;;
*)	echo '#define CONFIG_PREEMPT_BUILD 1' >>"$conf"
	expect='SMP preempt mod_unload' ;;
esac
predict "another vermagic: version magic '...' should be '...'" \
	"$mod: version magic '[^']*' should be '[^ ]* $expect [^']*'"
check_match "... and the kernel's log lines are in the report" \
	"^  kernel: $mod: version magic " "$out"

ktap_finished
