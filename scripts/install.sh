#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make install': install the built modules where modprobe finds them, and
# the example configuration that loads them at boot.
#
# 1. Kbuild's modules_install puts each module of ./modules.order in
#    $INSTALL_MOD_PATH/lib/modules/<release>/$INSTALL_MOD_DIR. Kbuild would
#    also sign them when the kernel's config says so (MODULE_SIG_ALL, as
#    Debian's does) and run depmod through a wrapper that wants System.map;
#    a headers tree has neither the signing key nor System.map, so signing
#    is left out unless the key is there, and depmod is run here instead.
# 2. depmod for the modules' release (their vermagic), with -b
#    $INSTALL_MOD_PATH when staging.
# With SIGN_KEY and SIGN_CERT (make install MODULE_SIG_KEY=... [and
# MODULE_SIG_CERT=...], or by itself when KDIR holds the key its kernel
# trusts), each module is signed with KDIR's sign-file (scripts/sign.sh)
# before it is compressed, as Kbuild does: Kbuild's own signing and
# compression are turned off for modules_install, and done here after it
# in that order. The key and certificate are checked before anything is
# installed (scripts/sign.sh check): a pair that cannot sign installs
# nothing.
# 3. scripts/etc/modprobe.d/kmodlab.conf and modules-load.d/kmodlab.conf
#    into $INSTALL_MOD_PATH/etc; a file already there and different (your
#    own settings) is kept.
#
# Variables (the Makefile passes them):
#   KDIR, ARCH, CROSS_COMPILE  the tree the modules were built against
#   INSTALL_MOD_PATH  a staging root (default: empty, i.e. this machine,
#                     which must then run the modules' kernel)
#   INSTALL_MOD_DIR   the folder under lib/modules/<release> (extra)
#   MAKE              make
#   SIGN_KEY, SIGN_CERT  sign with this key and certificate (see above)
#
# Usage: scripts/install.sh

set -euo pipefail

: "${KDIR:?set KDIR (make install sets it)}"
ARCH=${ARCH:-arm64}
CROSS_COMPILE=${CROSS_COMPILE-}
INSTALL_MOD_PATH=${INSTALL_MOD_PATH-}
INSTALL_MOD_DIR=${INSTALL_MOD_DIR:-extra}
MAKE=${MAKE:-make}
top=$(cd "$(dirname "$0")/.." && pwd)
conf=$KDIR/include/config/auto.conf

say() { printf 'install: %s\n' "$*" >&2; }
die() { printf 'install: error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 0 ] || { sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }
[ -r "$top/modules.order" ] || die "nothing built yet: run make first"
[ -r "$conf" ] || die "$KDIR is not a prepared kernel tree (no $conf)"
command -v depmod >/dev/null || die "depmod not found (the Makefile adds /usr/sbin to PATH): install kmod"
# The release the modules are for, as the loader sees it (scripts/kos.sh).
release=$("$top/scripts/kos.sh" -r) || exit 1

[ -n "$INSTALL_MOD_PATH" ] || [ "$release" = "$(uname -r)" ] ||
	die "these modules are for Linux $release, this machine runs $(uname -r):
  install into a staging root instead: make install INSTALL_MOD_PATH=/tmp/stage"

# sign: what turns Kbuild's signing off; unsigned: nobody signs them.
sign=() compress='' unsigned=''
if [ -n "${SIGN_KEY-}" ]; then
	[ -n "${SIGN_CERT-}" ] || die "SIGN_KEY needs SIGN_CERT, its certificate"
	# Before anything is installed: a bad key would otherwise fail
	# only once modules_install has put unsigned modules in place.
	KDIR=$KDIR "$top/scripts/sign.sh" check "$SIGN_KEY" "$SIGN_CERT" ||
		die "nothing installed: name a key and certificate that sign (MODULE_SIG_KEY, MODULE_SIG_CERT)"
	sign=(CONFIG_MODULE_SIG_ALL=)
	if grep -q '^CONFIG_MODULE_COMPRESS_ALL=y' "$conf"; then
		compress=$(sed -n 's/^CONFIG_MODULE_COMPRESS_\(GZIP\|XZ\|ZSTD\)=y$/\1/p' "$conf")
		sign+=(CONFIG_MODULE_COMPRESS_ALL=)
	fi
elif grep -q '^CONFIG_MODULE_SIG_ALL=y' "$conf"; then
	# auto.conf quotes strings, or not (Debian's headers).
	key=$(sed -n 's/^CONFIG_MODULE_SIG_KEY="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$conf")
	case $key in
	pkcs11:*) ;;	# a token: Kbuild's sign-file talks to it
	/*) [ -e "$key" ] || key_missing=1 ;;
	*) [ -e "$KDIR/$key" ] || key_missing=1 ;;
	esac
	if [ -n "${key_missing-}" ]; then
		say "not signing: $KDIR has no signing key ($key);" \
		    "a kernel without MODULE_SIG_FORCE loads unsigned modules (and is tainted 'E')"
		sign=(CONFIG_MODULE_SIG_ALL=) unsigned=1
	fi
else
	unsigned=1
fi
if [ -n "$unsigned" ] && grep -q '^CONFIG_MODULE_SIG_FORCE=y' "$conf"; then
	say "warning: this kernel has MODULE_SIG_FORCE: it will refuse these unsigned" \
	    "modules; sign them: make install MODULE_SIG_KEY=KEY MODULE_SIG_CERT=CERT"
fi

# Kbuild runs in KDIR: a relative staging root would land there.
if [ -n "$INSTALL_MOD_PATH" ]; then
	mkdir -p "$INSTALL_MOD_PATH"
	INSTALL_MOD_PATH=$(cd "$INSTALL_MOD_PATH" && pwd)
fi
# cmd_depmod: Kbuild's own depmod step (scripts/depmod.sh), done below.
"$MAKE" -C "$KDIR" M="$top" ARCH="$ARCH" CROSS_COMPILE="$CROSS_COMPILE" \
	INSTALL_MOD_PATH="$INSTALL_MOD_PATH" INSTALL_MOD_DIR="$INSTALL_MOD_DIR" \
	"${sign[@]}" cmd_depmod=true quiet_cmd_depmod= modules_install

moddir=$INSTALL_MOD_PATH/lib/modules/$release
if [ -n "${SIGN_KEY-}" ]; then
	mapfile -t kos < <(cd "$top" && scripts/kos.sh |
		xargs realpath --relative-to="$top" | sed "s|^|$moddir/$INSTALL_MOD_DIR/|")
	say "signing ${#kos[@]} modules with $SIGN_KEY${compress:+, then compressing them ($compress)}"
	KDIR=$KDIR "$top/scripts/sign.sh" sign "$SIGN_KEY" "$SIGN_CERT" "${kos[@]}"
	[ -z "$compress" ] || "$top/scripts/compress.sh" "$compress" "${kos[@]}"
fi
say "depmod ${INSTALL_MOD_PATH:+-b $INSTALL_MOD_PATH }$release"
if [ -e "$moddir/modules.builtin" ]; then
	depmod ${INSTALL_MOD_PATH:+-b "$INSTALL_MOD_PATH"} "$release"
else
	# A bare staging root has none of the kernel's own lists, which
	# depmod warns about; its index then covers only what is here.
	say "$moddir has no modules.builtin (a staging root, not a whole" \
	    "system): its modules.* index only what is here; copy" \
	    "$INSTALL_MOD_DIR/ and etc/ to the board, not the index, then run 'depmod $release' there"
	err=$(depmod -b "$INSTALL_MOD_PATH" "$release" 2>&1) ||
		die "depmod failed: $err"
	printf '%s\n' "$err" | grep -v '^depmod: WARNING: could not open modules\.' >&2 || :
fi

for f in modprobe.d/kmodlab.conf modules-load.d/kmodlab.conf; do
	dest=$INSTALL_MOD_PATH/etc/$f
	if [ -e "$dest" ] && ! cmp -s "$top/scripts/etc/$f" "$dest"; then
		say "kept your $dest (the example is scripts/etc/$f)"
		continue
	fi
	install -D -m 644 "$top/scripts/etc/$f" "$dest"
	say "installed $dest"
done
