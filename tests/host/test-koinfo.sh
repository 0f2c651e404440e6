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
# Variables: KOINFO (default tools/koinfo/koinfo; set it to koinfo-asan to
# run the same under the sanitizers), KDIR (the tree the modules were
# built against).

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

top=$(cd "${0%/*}/../.." && pwd)
KOINFO=${KOINFO:-$top/tools/koinfo/koinfo}
case $KOINFO in /*) ;; *) KOINFO=$top/$KOINFO ;; esac
KDIR=${KDIR:-${KMODLAB_CACHE:-$HOME/.cache/kmodlab}/kernels/${KERNEL:-6.1}/build}
kos=$(cd "$top" && sed 's/\.o$/.ko/; s|^kernel/||' modules.order | xargs realpath)
tmp=$(mktemp -d)
# shellcheck disable=SC2317 # called by kmodlab.sh at exit
test_cleanup() { rm -rf "$tmp"; }
trap test_cleanup EXIT

ktap_print_header
[ -x "$KOINFO" ] || ktap_skip_all "$KOINFO not built: run 'make koinfo'"
[ -r "$KDIR/Module.symvers" ] || ktap_skip_all "no $KDIR/Module.symvers"
ktap_set_plan "$(($(echo "$kos" | wc -l) * 10 + 16))"

# readelf -SW: "name flags size" per section ("-": no flags), sizes in decimal.
readelf_sections() {
	readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] //p' | sed 1d |
		awk '{ print $1, NF == 10 ? $7 : "-", $5 }' |
		while read -r n f s; do
			echo "$n $f $((0x$s))"
		done
}

# koinfo --json: the same from its "sections" list.
koinfo_sections() {
	printf '%s\n' "$1" | sed -n 's/^ *{"index": [0-9]*, "name": "\([^"]*\)", "type": [0-9]*, "flags": "\([^"]*\)", "size": \([0-9]*\),.*/\1 -\2 \3/p' |
		sed 's/ -\([^ ]\)/ \1/'
}

for ko in $kos; do
	name=${ko##*/}
	run "$KOINFO" --json "$ko"
	json=$out
	check_run "$name: koinfo reads it" 0
	check_eq "$name: sections, flags, sizes are readelf's" \
		"$(readelf_sections "$ko")" "$(koinfo_sections "$json")"

	want=$(readelf -rW "$ko" | sed -n "s/^Relocation section '\([^']*\)' .* contains \([0-9]*\) entr.*/\1 \2/p")
	got=$(printf '%s\n' "$json" | sed -n 's/^ *{"section": "\([^"]*\)", "target": "[^"]*", "entries": \([0-9]*\),.*/\1 \2/p')
	check_eq "$name: relocation sections and entry counts are readelf's" "$want" "$got"

	want=$(readelf -sW "$ko" | awk '$7 == "UND" && $8 != "" { print $8 }' | sort)
	got=$(printf '%s\n' "$json" | sed -n '/"undefined"/,/]/s/^ *{"symbol": "\([^"]*\)".*/\1/p' | sort)
	check_eq "$name: undefined symbols are readelf's" "$want" "$got"

	size=$(readelf -SW "$ko" | sed -n 's/^ *\[ *[0-9]*\] __versions *[A-Z]* *[0-9a-f]* [0-9a-f]* \([0-9a-f]*\) .*/\1/p')
	got=$(printf '%s\n' "$json" | sed -n '/"versions"/,/]/s/^ *{"symbol": .*/x/p' | wc -l)
	# struct modversion_info: an unsigned long CRC and a 56-byte name.
	check_eq "$name: __versions entries are its size / 64" "$((0x${size:-0} / 64))" "$got"

	# The init pointer: a relocation against .gnu.linkonce.this_module.
	want=$(readelf -rW "$ko" | sed -n "/'.rela.gnu.linkonce.this_module'/,/^$/s/^\([0-9a-f]*\) .* init_module + 0$/\1/p")
	fn=$(printf '%s\n' "$json" | sed -n 's/^ *"init": {"function": "\([^"]*\)".*"offset": \([0-9]*\)}.*/\1 \2/p')
	initfn=$(readelf -sW "$ko" | awk -v f="${fn% *}" '$4 == "FUNC" && $8 == f { print $8 }')
	check_eq "$name: init is the function init_module aliases, at its offset" \
		"${initfn:-?} $((0x${want:-0}))" "${fn:-none}"

	# module_init_layout_section(): SHF_ALLOC .init* to init; with
	# mod_unload in vermagic, .exit* stays in core.
	want=$(readelf_sections "$ko" | awk '$2 ~ /A/ && $1 ~ /^\.init/ { print $1, "init" }
					      $2 ~ /A/ && $1 ~ /^\.exit/ { print $1, "core" }')
	got=$(printf '%s\n' "$json" | sed -n 's/^ *{"index": [0-9]*, "name": "\(\.[ie][nx]i*t[^"]*\)".*"part": "\([a-z]*\)".*/\1 \2/p')
	check_eq "$name: .init* sections go to init, .exit* to core (mod_unload)" "$want" "$got"

	# A module's users are loaded after it, with its exports: give koinfo
	# the exporter too, as the loader would find it (modules.dep order).
	depends=$(modinfo -F depends "$ko")
	deps=$(echo "$depends" | tr ',' ' ')
	# shellcheck disable=SC2046 # one path a word
	run "$KOINFO" --against "$KDIR" $(for d in $deps; do
		printf '%s\n' "$kos" | grep "/$d\.ko\$"; done) "$ko"
	check_run "$name: --against $KDIR${deps:+ and $deps} predicts it loads" 0 \
		'=> loads'
	# Its report comes last; "depends:" is what modpost wrote in .modinfo.
	check_eq "$name: the depends koinfo finds are modpost's: '$depends'" "$depends" \
		"$(printf '%s\n' "$out" | sed -n "\|^== .*/$name: |,\$ s/^  depends: //p")"
	vermagic=$(readelf -p .modinfo "$ko" | sed -n 's/.*vermagic=//p')
	run "$KOINFO" --json --against "$KDIR" "$ko"
	# A glob, not a regular expression: 6.12's release has a "+".
	check_glob "$name: vermagic composed from KDIR is the module's" \
		"*\"vermagic\": \"$vermagic\"*" "$out"
done

# Damaged copies of the first module.
ko=$(echo "$kos" | head -n 1)
one_line_error() {	# NAME FILE ERE [STATUS [OPTION...]]: one line, exit STATUS (1)
	_name=$1 _file=$2 _ere=$3 _want=${4:-1}
	shift $(($# < 4 ? $# : 4))
	"$KOINFO" "$@" "$_file" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out="exit $rc, stdout $(wc -c <"$tmp/out") bytes, stderr $(wc -l <"$tmp/err") line(s): $(cat "$tmp/err")"
	check_match "$_name" "^exit $_want, stdout 0 bytes, stderr 1 line\(s\): koinfo: .*$_ere" "$out"
}
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
json=$("$KOINFO" --json "$ko")
fake=$tmp/kdir
mkdir -p "$fake/include/generated"
cp "$KDIR/include/generated/utsrelease.h" "$KDIR/include/generated/autoconf.h" "$fake/include/generated/"
sym=$(printf '%s\n' "$json" | sed -n '/"undefined"/,/]/s/^ *{"symbol": "\([^"]*\)".*/\1/p' | head -n 1)
mod=$(printf '%s\n' "$json" | sed -n 's/^  "name": "\(.*\)",$/\1/p')
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
if readelf -p .modinfo "$ko" | grep -q 'vermagic=.* preempt '; then
	sed -i '/#define CONFIG_PREEMPT_BUILD /d' "$conf"
	expect='SMP mod_unload'
else
	echo '#define CONFIG_PREEMPT_BUILD 1' >>"$conf"
	expect='SMP preempt mod_unload'
fi
predict "another vermagic: version magic '...' should be '...'" \
	"$mod: version magic '[^']*' should be '[^ ]* $expect [^']*'"
check_match "... and the kernel's log lines are in the report" \
	"^  kernel: $mod: version magic " "$out"

ktap_finished
