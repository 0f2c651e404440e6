#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lab 2 (the .ko as an ELF file), on the host: each answer in the
# learner's answers.sh against the real helloworld.ko. A wrong answer shows
# what was given and a hint, never the right value.
#
# Variables: LAB_WORK (the folder with answers.sh), KO (the file asked about)

TESTS_DIR=${TESTS_DIR:-${0%/*}/../../tests}
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

KO=${KO:-$(cd "${0%/*}/../.." && pwd)/helloworld/helloworld.ko}

ktap_print_header
[ -r "$KO" ] || ktap_skip_all "no $KO: run make first"
[ -r "$LAB_WORK/answers.sh" ] || ktap_skip_all "no $LAB_WORK/answers.sh: run make skels"
ktap_set_plan 8

# shellcheck source=labs/2-elf/answers.sh
. "$LAB_WORK/answers.sh"

hdr=$(readelf -hW "$KO")
sections=$(readelf -SW "$KO")

HINT="readelf -h: a module is not linked into a program; which type is that?"
check_answer "TODO 1: the ELF type" "${elf_type-}" \
	"$(field '  Type' "$hdr" | cut -d' ' -f1)"
HINT="readelf -h: the Machine line, as it is written"
check_answer "TODO 2: the machine" "${machine-}" "$(field '  Machine' "$hdr")"
HINT="modinfo -F vermagic, or readelf -p .modinfo: the whole string after vermagic="
check_answer "TODO 3: the vermagic string" "${vermagic-}" \
	"$(modinfo -F vermagic "$KO")"
size=$(printf '%s\n' "$sections" |
       sed 's/^ *\[ *[0-9]*\] *//' |
       awk '$1 == ".gnu.linkonce.this_module" { print $5 }')
HINT="readelf -S -W: the Size column is hexadecimal; give it in decimal"
check_answer "TODO 4: the size of .gnu.linkonce.this_module" "${this_module_size-}" \
	"$((0x${size:-0}))"
HINT="modprobe --dump-modversions prints one symbol and CRC a line"
check_answer "TODO 5: the number of CRCs in __versions" "${versions_count-}" \
	"$(modprobe --dump-modversions "$KO" | wc -l)"
HINT="readelf -s -W: the GLOBAL FUNC whose section number (Ndx) is .init.text's"
check_answer "TODO 6: module_init()'s alias" "${init_alias-}" init_module
HINT="readelf -s -W: the symbols whose Ndx is UND, sorted, on one line"
check_answer "TODO 7: the undefined symbols" "${undefined-}" \
	"$(readelf -sW "$KO" | awk '$7 == "UND" && NF == 8 { print $8 }' | sort | xargs)"
HINT="readelf -r -W: the section .rela.gnu.linkonce.this_module"
check_answer "TODO 8: what relocations write into struct module" \
	"${this_module_relocs-}" "cleanup_module init_module"
ktap_finished