# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034 # check.sh reads the answers
#
# Lab 7: sign a module, break its signature, read the loader's verdict.
# labs/7-signing/check.sh sets, before it reads this file:
#   $SIGN_FILE  the kernel's scripts/sign-file (KDIR's, or the host's)
#   $KEY        a private key (kmodlab's own, in the cache), PEM
#   $CERT       its certificate (DER), the one a kernel must trust
#   $KOINFO     tools/koinfo/koinfo
#   $KDIR_KEY   a kernel tree that trusts $CERT (for koinfo --against)
# and calls sign_it and tamper on copies of helloworld.ko.

# TODO 1: sign the module $1 in place with $KEY and $CERT, hash sha256
# (usage: sign-file HASH KEY CERT MODULE)
sign_it() {
	"$SIGN_FILE" sha256 "$KEY" "$CERT" "$1"
}
# TODO 1 end

# TODO 2: change the signed module $1 after signing, so that its signature
# no longer matches, but leave the signature in place (one byte of its
# .modinfo description will do: "Log a line" -> "Log a lime")
tamper() {
	perl -pi -e 's/description=Log a line/description=Log a lime/' "$1"
}
# TODO 2 end

# TODO 3: the line the kernel logs when module.sig_enforce=1 refuses an
# unsigned module (ask koinfo: $KOINFO --against $KDIR_KEY --sig-enforce
# FILE.ko, or read build/<kernel>/test-sig.log after 'make test-sig')
unsigned_words="Loading of unsigned module is rejected"
# TODO 3 end
