#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: helloworld
#
# Module signatures, enforced: this kernel was booted with
# module.sig_enforce=1 (make test-sig), so module_sig_check(), the
# loader's first check of a file, refuses any module whose signature it
# cannot verify with a key it trusts. The files (make sig-files, from
# helloworld.ko, with the kernel's scripts/sign-file) and sig.conf:
#   unsigned.ko  no signature
#   other.ko     signed with a key this kernel was never told of
#   tampered.ko  signed, then one byte of its description changed
#   signed.ko    signed with 'make sign's key (MODULE_SIG_KEY)
#   sig.conf     trusted=yes when that key is the one this kernel was built
#                with (the edge kernel's certs/signing_key.pem), else no
#                (Debian's kernels trust Debian's key only); signer=its CN,
#                keyid=its subject key identifier; distro=the kernel's own
#                failover.ko (Debian's kernels), signed by its distribution
# Checked: enforcement is on; the key is in the kernel's keyring exactly
# when sig.conf says so (/proc/keys); each file is refused or loaded as
# module_sig_check() decides, with the kernel's and kmod's own words; a
# signed module that loads does not taint the kernel 'E'; insmod --force
# makes even a good signature count for nothing. koinfo.txt (koinfo
# --against KDIR --sig-enforce, on the host) predicted each outcome.
# Variables: KMODLAB_SIG (the files: $KMODLAB_DIR/sig)

# shellcheck source=tests/kmodlab.sh
TESTS_DIR=${0%/*}/..
. "$TESTS_DIR/kmodlab.sh"

dir=${KMODLAB_SIG:-$KMODLAB_DIR/sig}

ktap_print_header
[ -r "$dir/sig.conf" ] || ktap_skip_all "no $dir/sig.conf: 'make test-sig' makes it"
trusted='' signer='' keyid='' distro=''
# shellcheck source=/dev/null # made by make sig-files
. "$dir/sig.conf"
require_modules helloworld
# 2 + 3 refusals x 3 + the signed module (5 checks, or 4 refused) + the
# distribution's module (2, when there is one) + 2
plan=18
[ "$trusted" = yes ] || plan=17
[ -z "$distro" ] || plan=$((plan + 2))
ktap_set_plan $plan

# shellcheck disable=SC2317 # run by kmodlab.sh at exit
test_cleanup() {
	unload helloworld
}

# kmod's words for EKEYREJECTED, the errno module_sig_check() returns
# for every refusal here (insmod: strerror()).
REJECTED='Key was rejected by service'

check_eq "module.sig_enforce=1: /sys/module/module/parameters/sig_enforce" \
	Y "$(value /sys/module/module/parameters/sig_enforce)"

# The keys this kernel trusts: /proc/keys names an X.509 key "CN: SKID",
# its subject key identifier in lower-case hex, which sig.conf has from
# the certificate (keyid=). (Not modinfo's sig_key: for PKCS#7 that is the
# certificate's serial number.) The type column is cut to 9 characters.
keys=$(grep ' asymmetri ' /proc/keys 2>&1)
case $keys in
*": $keyid:"*) has=yes ;;
*) has=no ;;
esac
[ -n "$keyid" ] || has="no keyid in $dir/sig.conf"
check_eq "the kernel's keyring holds '$signer' ($keyid): $trusted" "$trusted" "$has"
[ "$has" = "$trusted" ] || {
	ktap_print_msg "/proc/keys, the keys this kernel trusts:"
	__show "$keys"
}

# predicted FILE: koinfo's "=> ..." for FILE, from koinfo.txt ("loads",
# "refused: WORDS" or "refused: (no message: ...)"), without its errno.
predicted() {
	sed -n "\|^== .*/$1: predicted|,/^  => /s/^  => //p" "$dir/koinfo.txt" |
		sed 's/ (init_module() fails: .*//; s/^loads.*/loads/'
}

# check_predicted NAME FILE WORDS: koinfo said WORDS ("loads", or the
# kernel's words for the refusal; "" for a refusal without a word).
check_predicted() {
	_want=${3:-(no message: }
	[ "$_want" = loads ] || _want="refused: $_want"
	check_glob "$1: koinfo --against --sig-enforce predicted it" "$_want*" "$(predicted "$2")"
}

# refused NAME FILE KERNEL-WORDS: insmod fails with kmod's words for
# EKEYREJECTED, the kernel log has KERNEL-WORDS (none expected when empty:
# then the module is not named either), as koinfo predicted.
refused() {
	unload helloworld
	log_mark
	run insmod "$dir/$2"
	check_run "$1: insmod fails: $REJECTED" 1 \
		"^insmod: ERROR: could not insert module $dir/$2: $REJECTED\$"
	log_get
	if [ -n "$3" ]; then
		check_match "$1: the kernel says: $3" "] $3\$" "$since"
	else
		check_no_match "$1: the kernel says nothing" 'helloworld|Loading of' "$since"
	fi
	check_predicted "$1" "$2" "$3"
}

# module_sig_check(): no "~Module signature appended~" at the end: -ENODATA,
# "unsigned module".
refused "unsigned" unsigned.ko "Loading of unsigned module is rejected"
# mod_verify_sig() -> verify_pkcs7_signature(): the signer's key is not in
# the kernel's keyrings: -ENOKEY, "module with unavailable key".
refused "another key" other.ko "Loading of module with unavailable key is rejected"
# With the trusted key, the signature itself is checked against the bytes
# before it: they changed, public_key_verify_signature() says -EKEYREJECTED,
# which module_sig_check() returns as it is, "even if signatures aren't
# required", without a word. Without the key, the key is what is missing.
if [ "$trusted" = yes ]; then
	refused "tampered after signing" tampered.ko ''
else
	refused "tampered after signing" tampered.ko \
		"Loading of module with unavailable key is rejected"
fi

unload helloworld
log_mark
run insmod "$dir/signed.ko"
if [ "$trusted" = yes ]; then
	check_run "signed with '$signer': loads" 0
	# The module's own taint flags: 'O' (out of tree), not 'E' (unsigned
	# or unverified, which check_modinfo()... module_sig_check() sets).
	check_eq "signed: /sys/module/helloworld/taint has no E" O \
		"$(value /sys/module/helloworld/taint)"
	check_log "signed: init ran (helloworld: hello, world)" '] helloworld: hello, world$'
	check_predicted "signed" signed.ko loads
	log_get
	check_no_match "signed: no 'module verification failed' in the log" \
		'module verification failed' "$since"
	rmmod helloworld
else
	# What the user of a Debian kernel (or any distribution's, or Secure
	# Boot's) sees: signed, but by a key the kernel does not have.
	check_run "signed with '$signer', a key this kernel does not trust: refused" 1 \
		"^insmod: ERROR: could not insert module $dir/signed.ko: $REJECTED\$"
	check_log "signed, untrusted: the kernel says: Loading of module with unavailable key is rejected" \
		'] Loading of module with unavailable key is rejected$'
	check_eq "signed, untrusted: not loaded" "no " "$(loaded helloworld)"
	check_predicted "signed, untrusted" signed.ko \
		"Loading of module with unavailable key is rejected"
	# Why: the keyring check above found the key missing.
	ktap_print_msg "this kernel trusts only the keys of /proc/keys, not '$signer':"
	__show "$keys"
fi

# The kernel's own module, as its distribution signed it, passes the same
# module_sig_check() (kmod decompresses a .ko.xz first: the signature is
# inside).
if [ -n "$distro" ]; then
	unload failover
	run insmod "$dir/$distro"
	check_run "$distro, signed by its distribution ($(modinfo -F signer "$dir/$distro")): loads" 0
	check_eq "$distro: /sys/module/failover/taint is empty" "" \
		"$(value /sys/module/failover/taint)"
	unload failover
fi

# insmod -f: kmod asks finit_module() to ignore the version magic and the
# CRCs (MODULE_INIT_IGNORE_*): module_sig_check() then treats the file as
# unsigned, since "a module with version information removed is no longer
# the module that was signed".
log_mark
run insmod -f "$dir/signed.ko"
check_run "signed, insmod --force: refused" 1 \
	"^insmod: ERROR: could not insert module $dir/signed.ko: $REJECTED\$"
check_log "signed, insmod --force: the kernel says: Loading of unsigned module is rejected" \
	'] Loading of unsigned module is rejected$'
ktap_finished
