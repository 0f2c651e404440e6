#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: what the build wrote into exporter.ko and its users, read
# with readelf and modprobe --dump-modversions (which only reads the file):
#   - exporter.ko: __ksymtab holds the plain export, __ksymtab_gpl the
#     GPL-only and namespaced ones (since Linux 7.x every export is in
#     __ksymtab and a byte in __kflagstab marks it GPL-only),
#     __ksymtab_strings the names and the namespace EXPORTER_ADMIN;
#   - consumer.ko: exporter's symbols are undefined (the loader fills them
#     in), __versions carries the CRCs modpost took from exporter's
#     Module.symvers, .modinfo says depends=exporter and
#     import_ns=EXPORTER_ADMIN, .gnu.linkonce.this_module (struct module)
#     names it;
#   - optional_user.ko: no reference to exporter at all, only __symbol_get.

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

top=$(cd "${0%/*}/../.." && pwd)
exporter=$top/exporter/exporter.ko
consumer=$top/consumer/consumer.ko
optional=$top/consumer/optional_user.ko

# section_of SYMBOL: the name of the section exporter's SYMBOL is defined
# in, from readelf's tables read once ($symbols, $sections)
section_of() {
	_ndx=$(printf '%s\n' "$symbols" | awk -v s="$1" '$8 == s { print $7; exit }')
	printf '%s\n' "$sections" | sed -n "s/^ *\[ *$_ndx\] \([^ ]*\) .*/\1/p"
}

ktap_print_header
for ko in "$exporter" "$consumer" "$optional"; do
	[ -r "$ko" ] || ktap_skip_all "$ko not built (make)"
done
ktap_set_plan 11

sections=$(readelf -SW "$exporter")
symbols=$(readelf -sW "$exporter")
# The GPL-only mark: a table of its own up to 6.x; since 7.x a flags byte
# per export, bit 0 KSYM_FLAG_GPL_ONLY (include/linux/export-internal.h:
# SYMBOL_FLAGS, include/linux/module_symbol.h).
gpltab=__ksymtab_gpl
printf '%s\n' "$sections" | grep -q ' __ksymtab_gpl ' || gpltab=__kflagstab
missing=
for s in __ksymtab $gpltab __ksymtab_strings; do
	printf '%s\n' "$sections" | grep -q " $s " || missing="$missing $s"
done
check_eq "exporter.ko has __ksymtab, $gpltab, __ksymtab_strings" "" "$missing"
check_eq "EXPORT_SYMBOL(exporter_read) is in __ksymtab" __ksymtab \
	"$(section_of __ksymtab_exporter_read)"

# kind SYMBOL: "gpl" or "plain", as the build marked its export
kind() {
	if [ $gpltab = __ksymtab_gpl ]; then
		[ "$(section_of "__ksymtab_$1")" = __ksymtab_gpl ] &&
			echo gpl || echo plain
		return
	fi
	_off=$(printf '%s\n' "$symbols" | awk -v s="__flags_$1" '$8 == s { print $2 }')
	# The byte at _off of readelf's hex dump ("  0x00000000 01010101 ...").
	_flags=$(readelf -x __kflagstab "$exporter" |
		 awk -v off=$((0x${_off:-0})) '/^  0x/ { for (i = 2; i <= 5; i++)
			if ($i ~ /^[0-9a-f]+$/) hex = hex $i }
			END { print substr(hex, 2 * off + 1, 2) }')
	[ $((0x${_flags:-0} & 1)) -eq 1 ] && echo gpl || echo plain
}
gpl=
for f in read add counter_get counter_put counter_add counter_reset; do
	gpl="$gpl $(kind "exporter_$f")"
done
check_eq "only exporter_read is plain: the rest are GPL-only ($gpltab)" \
	" plain gpl gpl gpl gpl gpl" "$gpl"
check_match "__ksymtab_strings holds the namespace EXPORTER_ADMIN" \
	'\] +EXPORTER_ADMIN$' "$(readelf -p __ksymtab_strings "$exporter")"

check_eq "consumer.ko leaves exporter's 5 symbols undefined (UND)" 5 \
	"$(readelf -sW "$consumer" | grep -cE ' UND exporter_[a-z_]+$')"
modinfo=$(readelf -p .modinfo "$consumer")
check_match "consumer.ko .modinfo: depends=exporter" '\] +depends=exporter$' "$modinfo"
check_match "consumer.ko .modinfo: import_ns=EXPORTER_ADMIN" \
	'\] +import_ns=EXPORTER_ADMIN$' "$modinfo"
check_match ".gnu.linkonce.this_module (struct module) names consumer" \
	'\] +consumer$' "$(readelf -p .gnu.linkonce.this_module "$consumer")"

# One Kbuild pass: modpost took each CRC from exporter's Module.symvers.
versions=$(modprobe --dump-modversions "$consumer" | awk '$2 ~ /^exporter_/' | sort -k2)
symvers=$(awk '$2 ~ /^exporter_/ && $3 ~ /\/exporter$/ { print $1 "\t" $2 }' \
	"$top/Module.symvers" | sort -k2)
check_eq "consumer.ko __versions: 5 exporter CRCs" 5 "$(printf '%s\n' "$versions" | grep -c .)"
check_eq "... each as exporter's Module.symvers has it" "" \
	"$(printf '%s\n' "$versions" | while read -r crc sym; do
		printf '%s\n' "$symvers" | grep -qx "$crc	$sym" || echo "$sym $crc"
	done)"

check_eq "optional_user.ko references __symbol_get, not exporter" "__symbol_get 0" \
	"$(readelf -sW "$optional" | awk '$7 == "UND" && $8 == "__symbol_get" { print $8 }') $(readelf -sW "$optional" | grep -c ' UND exporter_')"

ktap_finished
