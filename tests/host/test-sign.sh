#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: scripts/sign.sh, what make sign, make test-sig, make install
# and lab 7 sign with.
#   - key: a PEM already there is kept, and the certificate it lacks is
#     made again from it (a new key would be one no board has enrolled);
#   - sign: with a KDIR that has no include/config/auto.conf it signs with
#     sha256, as it says (it used to end, without a word, with exit 2);
#     signing twice leaves one signature; an encrypted key signs with
#     KBUILD_SIGN_PIN, and without it fails at once (no prompt);
#   - strip: the file is as Kbuild made it again; a file that is not
#     there fails, saying so (it used to succeed);
#   - make install (scripts/install.sh) with a key that cannot sign (a
#     certificate, a key in DER, another certificate's) fails before it
#     installs anything (it used to fail after modules_install, the
#     unsigned modules in place), and warns of MODULE_SIG_FORCE when
#     the modules stay unsigned, not when they are signed (it had that
#     the wrong way round). MAKE=false stands in for Kbuild's
#     modules_install, which these checks stop before.
# Variables: KDIR (the Makefile's facts), KMODLAB_CACHE

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"
KDIR=${KDIR:?run it through make, which exports it}
key=$KMODLAB_CACHE/keys/kmodlab.pem
cert=${key%.pem}.x509
ko=$top/helloworld/helloworld.ko
sign=$top/scripts/sign.sh

ktap_print_header
[ -r "$ko" ] || ktap_skip_all "no $ko: run make"
"$sign" key "$key" 2>/dev/null || ktap_skip_all "cannot make the key $key (openssl)"
ktap_set_plan 18

cp "$key" "$tmp/k.pem"
run "$sign" key "$tmp/k.pem"
check_run "key: a PEM without its certificate: the certificate made again" 0 \
	'^sign: made its certificate '
check_eq "... the PEM kept" same "$(cmp -s "$key" "$tmp/k.pem" && echo same)"
check_eq "... the certificate the PEM's" same "$(cmp -s "$cert" "$tmp/k.x509" && echo same)"

# A tree with the kernel's sign-file and no config.
mkdir -p "$tmp/kdir/scripts"
ln -s "$KDIR/scripts/sign-file" "$tmp/kdir/scripts/sign-file"
cp "$ko" "$tmp/m.ko"
run env KDIR="$tmp/kdir" "$sign" sign "$key" "$cert" "$tmp/m.ko"
check_run "sign, KDIR without include/config/auto.conf: it signs" 0
check_eq "... with sha256" sha256 "$(modinfo -F sig_hashalgo "$tmp/m.ko")"
size=$(stat -c %s "$tmp/m.ko")
env KDIR="$tmp/kdir" "$sign" sign "$key" "$cert" "$tmp/m.ko"
check_eq "signed twice: one signature" "$size" "$(stat -c %s "$tmp/m.ko")"

"$sign" strip "$tmp/m.ko"
check_eq "strip: the file as Kbuild made it" same "$(cmp -s "$ko" "$tmp/m.ko" && echo same)"
run "$sign" strip "$tmp/missing.ko"
check_run "strip, a file that is not there: fails, saying so" 1 \
	"^sign: error: no $tmp/missing.ko\$"

install_with() {	# KDIR [VAR=VALUE...]: install.sh into $tmp/stage
	_kdir=$1
	shift
	run env KDIR="$_kdir" INSTALL_MOD_PATH="$tmp/stage" MAKE=false "$@" \
		"$top/scripts/install.sh"
}
install_with "$KDIR" SIGN_KEY="$cert" SIGN_CERT="$cert"
check_run "install, a certificate as the key: fails, saying so" 1 \
	"^sign: error: $cert holds no PEM private key"
check_eq "... before anything is installed" absent "$([ -e "$tmp/stage" ] || echo absent)"
install_with "$KDIR" SIGN_KEY="$key" SIGN_CERT="$tmp/missing.x509"
check_run "install, a certificate that is not there: fails, saying so" 1 \
	"^sign: error: no certificate $tmp/missing.x509\$"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/other.pem" 2>/dev/null
install_with "$KDIR" SIGN_KEY="$tmp/other.pem" SIGN_CERT="$cert"
check_run "install, a key that is not the certificate's: fails, saying so" 1 \
	"^sign: error: $tmp/other.pem is not the key of $cert"
openssl pkey -in "$key" -outform DER -out "$tmp/k.der"
install_with "$KDIR" SIGN_KEY="$tmp/k.der" SIGN_CERT="$cert"
check_run "install, a key in DER (sign-file reads PEM): fails, saying so" 1 \
	"^sign: error: $tmp/k.der holds no PEM private key"

# An encrypted key: sign-file takes its passphrase from KBUILD_SIGN_PIN;
# without it, a clear error and no prompt to hang on.
openssl pkey -in "$key" -aes256 -passout pass:kmodlab -out "$tmp/enc.pem"
cp "$ko" "$tmp/m.ko"
run env -u KBUILD_SIGN_PIN KDIR="$KDIR" "$sign" sign "$tmp/enc.pem" "$cert" "$tmp/m.ko"
check_run "sign, an encrypted key without KBUILD_SIGN_PIN: fails, saying so" 1 \
	'is encrypted: set KBUILD_SIGN_PIN to its passphrase$'
run env KBUILD_SIGN_PIN=wrong KDIR="$KDIR" "$sign" sign "$tmp/enc.pem" "$cert" "$tmp/m.ko"
check_run "... with a wrong KBUILD_SIGN_PIN: fails, saying so" 1 \
	'or KBUILD_SIGN_PIN is not its passphrase$'
run env KBUILD_SIGN_PIN=kmodlab KDIR="$KDIR" "$sign" sign "$tmp/enc.pem" "$cert" "$tmp/m.ko"
check_run "... with it: it signs" 0

# A kernel that refuses unsigned modules (the tree above, and a config).
mkdir -p "$tmp/kdir/include/config"
echo CONFIG_MODULE_SIG_FORCE=y >"$tmp/kdir/include/config/auto.conf"
force='^install: warning: this kernel has MODULE_SIG_FORCE'
install_with "$tmp/kdir"
check_match "install, MODULE_SIG_FORCE, no key: warns" "$force" "$out"
install_with "$tmp/kdir" SIGN_KEY="$key" SIGN_CERT="$cert"
# (and past the key check: else the warning could not have come)
check_no_match "install, MODULE_SIG_FORCE, a key: no warning" \
	"$force|^install: error: nothing installed" "$out"
ktap_finished
