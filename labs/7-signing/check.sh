#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lab 7 (signatures), on the host: the learner's sign_it and tamper, run
# on copies of helloworld.ko, and the answer unsigned_words, judged by the
# kernel's own rules as koinfo --against --sig-enforce applies them (with
# libcrypto), against a copy of KDIR's facts that trusts kmodlab's key;
# make test-sig checks those predictions against the guest kernel.
#
# Variables: LAB_WORK (the folder with answers.sh), KDIR, KMODLAB_CACHE

TESTS_DIR=${TESTS_DIR:-${0%/*}/../../tests}
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

top=$(cd "${0%/*}/../.." && pwd)
# The Makefile's facts (scripts/lib/facts.sh), from make lab.
KDIR=${KDIR:?run it through make, which exports it} KOINFO=${KOINFO:?run it through make, which exports it}
KEY=${KMODLAB_CACHE:?run it through make, which exports it}/keys/kmodlab.pem
CERT=${KEY%.pem}.x509
ko=$top/helloworld/helloworld.ko
tmp=$(mktemp -d)
# shellcheck disable=SC2317 # called by kmodlab.sh at exit
test_cleanup() { rm -rf "$tmp"; }
trap test_cleanup EXIT

ktap_print_header
[ -r "$LAB_WORK/answers.sh" ] || ktap_skip_all "no $LAB_WORK/answers.sh: run make skels"
[ -x "$KOINFO" ] || ktap_skip_all "$KOINFO not built: run make"
[ -r "$ko" ] || ktap_skip_all "no $ko: run make"
"$top/scripts/sign.sh" key "$KEY" 2>/dev/null || ktap_skip_all "cannot make $KEY (openssl)"
SIGN_FILE=$(KDIR=$KDIR "$top/scripts/sign.sh" sign-file 2>/dev/null) ||
	ktap_skip_all "no sign-file that runs here in $KDIR"
# A kernel tree that trusts $CERT: KDIR's facts, and $CERT as the key
# its build made (certs/signing_key.x509).
KDIR_KEY=$tmp/kdir
mkdir -p "$KDIR_KEY/include/generated" "$KDIR_KEY/certs"
cp "$KDIR/include/generated/utsrelease.h" "$KDIR/include/generated/autoconf.h" \
	"$KDIR_KEY/include/generated/"
cp "$KDIR/Module.symvers" "$KDIR_KEY/"
cp "$CERT" "$KDIR_KEY/certs/signing_key.x509"
ktap_set_plan 3

# shellcheck source=labs/7-signing/answers.sh
. "$LAB_WORK/answers.sh"

# verdict FILE: koinfo's "=> ..." line, as if enforced.
verdict() {
	"$KOINFO" --against "$KDIR_KEY" --sig-enforce "$1" 2>/dev/null |
		sed -n 's/^  => //p'
}

cp "$ko" "$tmp/unsigned.ko"
"$top/scripts/sign.sh" strip "$tmp/unsigned.ko"
cp "$tmp/unsigned.ko" "$tmp/signed.ko"
(sign_it "$tmp/signed.ko") >/dev/null 2>&1
HINT="\$SIGN_FILE sha256 \$KEY \$CERT \"\$1\""
check_glob "TODO 1: signed with \$KEY: the signature verifies, it loads" \
	"loads*" "$(verdict "$tmp/signed.ko")"

cp "$tmp/signed.ko" "$tmp/tampered.ko"
(tamper "$tmp/tampered.ko") >/dev/null 2>&1
HINT="change a byte before the signature: perl -pi -e 's/.../.../' \"\$1\""
check_glob "TODO 2: changed after signing: refused, the signature does not match" \
	"refused: (no message: mod_verify_sig() fails: Key was rejected by service)*" \
	"$(cmp -s "$tmp/signed.ko" "$tmp/tampered.ko" || verdict "$tmp/tampered.ko")"

HINT="koinfo's 'kernel:' line for an unsigned .ko, with --against and --sig-enforce"
check_answer "TODO 3: the kernel's words for an unsigned module" "${unsigned_words-}" \
	"$(verdict "$tmp/unsigned.ko" | sed -n 's/^refused: \(.*\) (init_module() fails: .*/\1/p')"
ktap_finished
