#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: building exporter's users apart from it, in scratch copies
# under /tmp (the tree is left alone):
#   - exporter alone, then consumer alone with KBUILD_EXTRA_SYMBOLS naming
#     exporter's Module.symvers: consumer.ko's __versions carries the CRCs
#     of that build of exporter, and its .modinfo depends=exporter;
#   - the non-GPL and the namespace fixtures built with exporter's symbols
#     and no leniency: modpost refuses both, with the messages quoted below.
# Variables (from the Makefile): KDIR ARCH CROSS_COMPILE KMODLAB_MAKE_FLAGS

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

top=$(cd "${0%/*}/../.." && pwd)

# shellcheck disable=SC2317 # called by kmodlab.sh at exit
test_cleanup() {
	rm -rf "$scratch"
}

# shellcheck disable=SC2317 # called through run
kbuild() {	# DIR [VAR=VALUE]...: build the modules of DIR, quietly
	_dir=$1
	shift
	# shellcheck disable=SC2086 # the kernel's make flags, as words
	make -s -C "$KDIR" M="$_dir" ARCH="${ARCH:-arm64}" \
		CROSS_COMPILE="${CROSS_COMPILE-}" ${KMODLAB_MAKE_FLAGS-} "$@" modules
}

ktap_print_header
[ -r "${KDIR:-}/Makefile" ] || ktap_skip_all "KDIR '${KDIR:-}' is no kernel tree (run it from make)"
ktap_set_plan 6
scratch=$(mktemp -d /tmp/kmodlab-build.XXXXXX)
trap test_cleanup EXIT
mkdir -p "$scratch/tests/fixtures"
cp -r "$top/exporter" "$top/consumer" "$scratch/"
cp -r "$top/tests/fixtures/nongpl" "$top/tests/fixtures/no_import" \
	"$scratch/tests/fixtures/"
(cd "$scratch" && find . \( -name '*.ko' -o -name '*.o' -o -name '.*.cmd' \
	-o -name '*.mod*' -o -name Module.symvers -o -name modules.order \) -delete)

run kbuild "$scratch/exporter"
check_run "exporter builds on its own" 0
run kbuild "$scratch/consumer" KBUILD_EXTRA_SYMBOLS="$scratch/exporter/Module.symvers"
check_run "consumer builds on its own, with KBUILD_EXTRA_SYMBOLS" 0
# CRC and name of exporter's symbols, sorted: from Module.symvers (its
# build) or from __versions (its user's build).
awk '$2 ~ /^exporter_/ { print $1, $2 }' "$scratch/exporter/Module.symvers" |
	sort >"$scratch/want"
modprobe --dump-modversions "$scratch/consumer/consumer.ko" |
	awk '$2 ~ /^exporter_/ { print $1, $2 }' | sort >"$scratch/got"
check_eq "... its __versions has CRCs for the 5 symbols it uses" 5 \
	"$(wc -l <"$scratch/got")"
check_eq "... each the one in exporter's Module.symvers" "" \
	"$(comm -23 "$scratch/got" "$scratch/want")"

printf 'obj-m += nongpl/ no_import/\n' >"$scratch/tests/fixtures/Kbuild"
run kbuild "$scratch/tests/fixtures" \
	KBUILD_EXTRA_SYMBOLS="$scratch/exporter/Module.symvers"
# scripts/mod/modpost.c, check_exports(); 5.10's check_for_gpl_usage()
# stops with fatal() ("FATAL: modpost: ..."), an error() since 5.11.
check_run "modpost refuses a GPL-incompatible module using a GPL-only symbol" 2 \
	"(ERROR|FATAL): modpost: GPL-incompatible module fixture_nongpl.ko uses GPL-only symbol 'exporter_add'$"
check_run "modpost refuses a module using a namespace it does not import" 2 \
	'ERROR: modpost: module fixture_no_import uses symbol exporter_counter_reset from namespace EXPORTER_ADMIN, but does not import it\.$'

ktap_finished
