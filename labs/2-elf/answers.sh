# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034 # check.sh reads the answers
#
# Lab 2: answers about $KO (the suite's helloworld.ko). Set each variable,
# to a value you read off the file or to the command that reads it, e.g.
#   elf_type=REL    or    elf_type=$(readelf -h "$KO" | ...)
# labs/2-elf/check.sh compares them with the real file.

# TODO 1: the ELF type of the file (readelf -h: Type), one word
elf_type=$(readelf -h "$KO" | sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p')
# TODO 1 end

# TODO 2: the machine it is built for (readelf -h: Machine)
machine=$(readelf -h "$KO" | sed -n 's/^ *Machine: *//p')
# TODO 2 end

# TODO 3: the whole vermagic string in .modinfo (modinfo -F vermagic)
vermagic=$(modinfo -F vermagic "$KO")
# TODO 3 end

# TODO 4: the size in bytes (decimal) of .gnu.linkonce.this_module, the
# struct module the loader finds in the file (readelf -S -W: Size is hex)
this_module_size=$(($(readelf -SW "$KO" |
	sed 's/^ *\[ *[0-9]*\] *//' |
	awk '$1 == ".gnu.linkonce.this_module" { print "0x" $5 }')))
# TODO 4 end

# TODO 5: how many symbols __versions holds a CRC for
# (modprobe --dump-modversions; it only reads the file)
versions_count=$(modprobe --dump-modversions "$KO" | wc -l)
# TODO 5 end

# TODO 6: the global function module_init() makes an alias of your init
# function (readelf -s -W: a GLOBAL FUNC in the .init.text section)
ndx=$(readelf -SW "$KO" | sed -n 's/^ *\[ *\([0-9]*\)\] \.init\.text .*/\1/p')
init_alias=$(readelf -sW "$KO" |
	awk -v ndx="$ndx" '$4 == "FUNC" && $5 == "GLOBAL" && $7 == ndx { print $8 }')
# TODO 6 end

# TODO 7: the undefined symbols the loader must resolve, space-separated,
# sorted (readelf -s -W: Ndx UND, leaving out the empty symbol 0)
undefined=$(readelf -sW "$KO" | awk '$7 == "UND" && $8 != "" { print $8 }' |
	sort | xargs)
# TODO 7 end

# TODO 8: the symbols whose addresses relocations write into
# .gnu.linkonce.this_module, sorted (readelf -r -W: the section
# .rela.gnu.linkonce.this_module); they become mod->init and mod->exit
this_module_relocs=$(readelf -rW "$KO" |
	awk '/^Relocation section/ { on = /\.rela\.gnu\.linkonce\.this_module/ }
	     on && $5 != "" && $1 ~ /^[0-9a-f]+$/ { print $5 }' | sort | xargs)
# TODO 8 end
