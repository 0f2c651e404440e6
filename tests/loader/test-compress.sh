#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: helloworld exporter consumer
#
# Compressed modules, as distributions ship them (.ko.xz, .ko.zst, .ko.gz).
# `make test-loader` puts a module tree per format under $KMODLAB_COMPRESSED
# (default $KMODLAB_DIR/compressed): FMT/lib/modules/RELEASE/extra/*.ko.FMT,
# compressed as Kbuild's modules_install compresses them. For each format:
#   - depmod -b indexes the tree: consumer.ko.FMT depends on exporter.ko.FMT
#     (depmod reads the symbols, so it must decompress);
#   - modinfo reads helloworld.ko.FMT: its name and vermagic are those of
#     the uncompressed module;
#   - insmod loads helloworld.ko.FMT by path, and it says hello;
#   - modprobe -d loads consumer from the tree, exporter first.
# kmod decompresses in user space, for the formats it was built with
# (`kmod --version`: "+XZ +ZSTD -ZLIB" in Debian 12's kmod 30), and hands
# the kernel the ELF image (init_module()). kmod 31 and later can instead
# pass the file to finit_module() with MODULE_INIT_COMPRESSED_FILE, which
# a kernel with CONFIG_MODULE_DECOMPRESS (5.17+) decompresses itself:
# kernel.conf says which format this kernel can do (decompress=XZ, or
# empty), checked against /sys/module/compression. For a format kmod was
# built without (Debian 12's: gzip), every step fails, and the check is
# that it says so in kmod's words. The kernel's own decompression is tried
# directly with a probe (tests/probes/finit.c).
# Last, busybox's insmod (which some boards' initramfs use): it reads what
# its own unpackers know (xz, gzip), not zstd.
# Variables: KMODLAB_COMPRESSED

# shellcheck source=tests/kmodlab.sh
TESTS_DIR=${0%/*}/..
. "$TESTS_DIR/kmodlab.sh"

dir=${KMODLAB_COMPRESSED:-$KMODLAB_DIR/compressed}

ktap_print_header
[ -r "$dir/kernel.conf" ] || ktap_skip_all "no $dir/kernel.conf: 'make test-loader' makes it"
decompress=''
# shellcheck source=/dev/null # made by make compressed
. "$dir/kernel.conf"
require_modules helloworld exporter consumer
ktap_set_plan 21

# shellcheck disable=SC2317 # run by kmodlab.sh at exit
test_cleanup() {
	unload consumer exporter helloworld
}

# (Paths are matched as ".*": a release may hold an ERE's "+", 6.12's.)
# kmod --version's second line: "+ZSTD +XZ -ZLIB +LIBCRYPTO ...".
run /bin/kmod --version
features=" $(printf '%s\n' "$out" | sed -n 2p) "
ktap_print_msg "kmod: $(printf '%s\n' "$out" | tr '\n' ' ')"

# The kernel's own decompression (kernel/module/decompress.c) shows its
# format in /sys/module/compression (compression_show()).
case $decompress in
GZIP) want=gzip ;;
XZ) want=xz ;;
ZSTD) want=zstd ;;
*) want='' ;;
esac
got=$(value /sys/module/compression 2>/dev/null)
[ -e /sys/module/compression ] || got=''
check_eq "the kernel decompresses modules itself: '${want:-no}'" "${want:-no}" "${got:-no}"

# The kernel's own decompression, asked for by $KMODLAB_DIR/bin/finit
# (tests/probes/finit.c): finit_module(fd, "", MODULE_INIT_COMPRESSED_FILE).
# With it, module_decompress() unpacks its one format and refuses another
# (module_xz_decompress(): "not an xz compressed module", -EINVAL);
# without it, the flag gets -EOPNOTSUPP (the stub in internal.h), and
# before 5.17 -EINVAL (finit_module() knew no such flag).
finit=${KMODLAB_FINIT:-$KMODLAB_DIR/bin/finit}
xz_ko=$dir/xz/lib/modules/$RELEASE/extra/helloworld.ko.xz
zst_ko=$dir/zst/lib/modules/$RELEASE/extra/helloworld.ko.zst
unload helloworld
log_mark
run "$finit" "$xz_ko"
if [ "$want" = xz ]; then
	check_run "kernel decompression: .ko.xz loads (finit_module: 0)" 0 '^finit_module: 0$'
	unload helloworld
	log_mark
	run "$finit" "$zst_ko"
	check_run "kernel decompression: .ko.zst refused (-EINVAL)" 1 '^finit_module: -22$'
	check_log "... the kernel says: not an xz compressed module" '] not an xz compressed module$'
else
	case $RELEASE in
	[1-4].* | 5.[0-9].* | 5.1[0-6].*) errno=-22 name=EINVAL ;;
	*) errno=-95 name=EOPNOTSUPP ;;
	esac
	check_run "no kernel decompression: MODULE_INIT_COMPRESSED_FILE gets $name" 1 \
		"^finit_module: $errno\$"
	check_eq "... helloworld not loaded" "no " "$(loaded helloworld)"
	log_get
	check_no_match "... and the kernel says nothing of it" helloworld "$since"
fi
unload helloworld

vermagic=$(modinfo -F vermagic "$KO_DIR/helloworld.ko")
for z in xz zst gz; do
	root=$dir/$z
	ext=$root/lib/modules/$RELEASE/extra
	case $z in
	xz) feature=XZ ;;
	zst) feature=ZSTD ;;
	gz) feature=ZLIB ;;
	esac
	case $features in
	*" +$feature "*) has=1 ;;
	*) has='' ;;
	esac
	unload consumer exporter helloworld

	run depmod -b "$root" "$RELEASE"
	dep=$(grep '^extra/consumer\.' "$root/lib/modules/$RELEASE/modules.dep")
	run modinfo "$ext/helloworld.ko.$z"
	name=$(field name "$out") vm=$(field vermagic "$out")
	log_mark
	run insmod "$ext/helloworld.ko.$z"
	if [ -n "$has" ]; then
		check_eq ".ko.$z: depmod: consumer needs exporter" \
			"extra/consumer.ko.$z: extra/exporter.ko.$z" "$dep"
		check_eq ".ko.$z: modinfo reads its name and vermagic" \
			"helloworld $vermagic" "$name $vm"
		check_run ".ko.$z: insmod loads it" 0
		check_log ".ko.$z: ... and it says hello" '] helloworld: hello, world$'
		rmmod helloworld
		run modprobe -d "$root" consumer
		check_eq ".ko.$z: modprobe -d loads consumer, exporter first" \
			"yes yes " "$(loaded exporter consumer)"
		modprobe -d "$root" -r consumer
	else
		# kmod does not take a .ko.gz for a module at all
		# (libkmod-file.c knows the suffixes of the formats it was
		# built with): depmod leaves it out of the index, modinfo
		# does not find it, and insmod hands its raw bytes to
		# finit_module(), which load_module()'s ELF check refuses
		# (ENOEXEC, which kmod words "Invalid module format").
		check_eq ".ko.$z (kmod -$feature): depmod does not index it" "" "$dep"
		run modinfo "$ext/helloworld.ko.$z"
		check_run ".ko.$z (kmod -$feature): modinfo: not found" 1 \
			"^modinfo: ERROR: Module .*/extra/helloworld\.ko\.$z not found\.\$"
		run insmod "$ext/helloworld.ko.$z"
		check_run ".ko.$z (kmod -$feature): insmod fails: Invalid module format" 1 \
			"^insmod: ERROR: could not insert module .*/extra/helloworld\.ko\.$z: Invalid module format\$"
		check_eq ".ko.$z (kmod -$feature): not loaded" "no " "$(loaded helloworld)"
		run modprobe -d "$root" consumer
		check_run ".ko.$z (kmod -$feature): modprobe -d: not found" 1 \
			"^modprobe: FATAL: Module consumer not found in directory $root/lib/modules/.*\$"
	fi
done
unload consumer exporter helloworld

# busybox's insmod: modutils.c bb_init_module() tries finit_module() on
# the file, then reads it through its own unpackers (xz and gzip in
# Debian's busybox-static, not zstd) and calls init_module() with that.
# Its exit status is the errno: 8, ENOEXEC, "invalid module format".
bb=$dir/xz/lib/modules/$RELEASE/extra/helloworld.ko.xz
run /bin/busybox insmod "$bb"
check_run "busybox insmod .ko.xz: loads (its own xz unpacker)" 0
unload helloworld
bb=$dir/zst/lib/modules/$RELEASE/extra/helloworld.ko.zst
run /bin/busybox insmod "$bb"
check_run "busybox insmod .ko.zst: fails: invalid module format" 8 \
	"^insmod: can't insert '.*/extra/helloworld\.ko\.zst': invalid module format\$"
unload helloworld
ktap_finished
