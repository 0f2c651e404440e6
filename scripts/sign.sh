#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module signatures with the kernel's own tool, scripts/sign-file in KDIR:
# it appends a PKCS#7 signature, a struct module_signature and the trailer
# "~Module signature appended~\n", which module_sig_check() looks for.
#
#   key PEM     make a key pair into PEM (key and certificate, as the
#               kernel's certs/Makefile makes certs/signing_key.pem) and
#               its certificate in DER beside it (PEM's .x509), once: a
#               PEM already there is kept (its .x509 made again from it
#               if missing). The certificate is what a kernel must trust
#               (built in, or enrolled: MOK).
#   sign KEY CERT FILE...
#               sign each .ko in place, with the hash KDIR's config names
#               (CONFIG_MODULE_SIG_HASH; sha256 if none); a signature
#               already there is taken off first, so signing twice, or
#               with another key, leaves one signature.
#   check KEY CERT
#               what 'sign' checks before it signs: KDIR has a sign-file
#               that runs here, CERT is a certificate (DER or PEM) and KEY
#               its private key in PEM (or a pkcs11: URI); make install
#               runs it before it installs anything
#   strip FILE...  take the signature off (the ELF file as Kbuild made it)
#   sign-file   print the path of the sign-file 'sign' runs (labs/7-signing)
#
# Variables: KDIR (the kernel tree: its scripts/sign-file and config; when
#            that sign-file cannot run here, the host's linux-kbuild's)
#            KBUILD_SIGN_PIN  the passphrase of an encrypted KEY (sign-file's)
#
# Usage: scripts/sign.sh key PEM
#        scripts/sign.sh sign KEY CERT FILE...
#        scripts/sign.sh check KEY CERT
#        scripts/sign.sh strip FILE...
#        scripts/sign.sh sign-file

set -euo pipefail

die() { printf 'sign: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

# include/linux/module_signature.h: MODULE_SIG_STRING, after the 12-byte
# struct module_signature whose last 4 bytes are sig_len, big-endian.
TRAILER='~Module signature appended~'
TRAILER_LEN=$((${#TRAILER} + 1))

signed() {	# FILE: it ends with the trailer
	tail -c "$TRAILER_LEN" "$1" | cmp -s - <(printf '%s\n' "$TRAILER")
}

strip_sig() {	# FILE
	local size len

	[ -r "$1" ] || die "no $1"
	signed "$1" || return 0
	size=$(stat -c %s "$1")
	len=$(tail -c $((TRAILER_LEN + 4)) "$1" | head -c 4 | od -An -tu1 |
		awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
	if [ "$len" -eq 0 ] || [ $((len + 12 + TRAILER_LEN)) -ge "$size" ]; then
		die "$1: a signature trailer with a bad length ($len)"
	fi
	truncate -s $((size - len - 12 - TRAILER_LEN)) "$1"
}

make_key() {	# PEM
	local pem=$1 x509=${1%.pem}.x509 conf lock

	[ -s "$pem" ] && [ -s "$x509" ] && return 0
	command -v openssl >/dev/null || die "openssl not found: run 'make setup'"
	mkdir -p "$(dirname "$pem")"
	# One key when two runs ask at once (the host's checks run side by
	# side): a lock on its folder, and each file written whole, then
	# renamed into place.
	exec {lock}<"$(dirname "$pem")"
	flock "$lock"
	if [ ! -s "$pem" ]; then
		conf=$(mktemp)
		# The kernel's certs/default_x509.genkey, with a name of our own.
		cat >"$conf" <<-EOF
			[ req ]
			default_bits = 4096
			distinguished_name = req_distinguished_name
			prompt = no
			string_mask = utf8only
			x509_extensions = myexts

			[ req_distinguished_name ]
			CN = kmodlab module signing key ($(hostname))

			[ myexts ]
			basicConstraints=critical,CA:FALSE
			keyUsage=digitalSignature
			subjectKeyIdentifier=hash
			authorityKeyIdentifier=keyid
		EOF
		(umask 077 && openssl req -new -nodes -utf8 -sha256 -days 36500 -batch \
			-x509 -config "$conf" -outform PEM -out "$pem.tmp" -keyout "$pem.tmp" \
			2>/dev/null) ||
			{ rm -f "$conf" "$pem.tmp"; die "openssl could not make $pem"; }
		rm -f "$conf"
		mv "$pem.tmp" "$pem"
		rm -f "$x509"
		printf 'sign: made %s\n' "$pem" >&2
	fi
	if [ ! -s "$x509" ]; then
		openssl x509 -in "$pem" -outform DER -out "$x509.tmp" ||
			{ rm -f "$x509.tmp"; die "openssl could not read the certificate in $pem"; }
		mv "$x509.tmp" "$x509"
		printf 'sign: made its certificate %s\n' "$x509" >&2
	fi
}

# KDIR's scripts/sign-file, or, when it cannot run here, the host's own
# from linux-kbuild: Debian 11's (Linux 5.10) is linked with OpenSSL 1.1,
# which Debian 12 does not have. The format it writes has not changed.
find_sign_file() {
	local f

	: "${KDIR:?set KDIR (the Makefile does)}"
	for f in "$KDIR/scripts/sign-file" /usr/lib/linux-kbuild-*/scripts/sign-file; do
		[ -x "$f" ] || continue
		# Run with no arguments it prints its usage (exit 2); 127
		# when the dynamic linker misses a library.
		"$f" >/dev/null 2>&1
		if [ $? -ne 127 ]; then
			[ "$f" = "$KDIR/scripts/sign-file" ] ||
				printf 'sign: %s cannot run here: using %s\n' \
					"$KDIR/scripts/sign-file" "$f" >&2
			echo "$f"
			return 0
		fi
	done
	return 1
}

check() {	# KEY CERT: print the sign-file to sign with
	local key=$1 cert=$2 form=DER pub passin=pass:

	command -v openssl >/dev/null || die "openssl not found: run 'make setup'"
	find_sign_file || die "$KDIR has no scripts/sign-file that runs here"
	[ -r "$cert" ] || die "no certificate $cert"
	# sign-file reads DER, or PEM when that fails.
	openssl x509 -in "$cert" -inform DER -noout 2>/dev/null || form=PEM
	pub=$(openssl x509 -in "$cert" -inform "$form" -pubkey -noout 2>/dev/null) ||
		die "$cert holds no X.509 certificate (DER or PEM)"
	case $key in
	pkcs11:*) return 0 ;;	# a token: sign-file asks it
	esac
	[ -r "$key" ] || die "no signing key $key"
	# sign-file reads a PEM key, with the passphrase KBUILD_SIGN_PIN
	# gives; without it openssl must not wait on a prompt.
	[ -z "${KBUILD_SIGN_PIN+set}" ] || passin=env:KBUILD_SIGN_PIN
	[ "$(openssl pkey -in "$key" -inform PEM -passin "$passin" -pubout 2>/dev/null)" = "$pub" ] && return 0
	openssl pkey -in "$key" -inform PEM -passin "$passin" -noout 2>/dev/null || {
		[ "$passin" = pass: ] ||
			die "$key holds no PEM private key, or KBUILD_SIGN_PIN is not its passphrase"
		die "$key holds no PEM private key (as certs/signing_key.pem), or is encrypted: set KBUILD_SIGN_PIN to its passphrase"
	}
	die "$key is not the key of $cert: sign-file would refuse the pair"
}

sign() {	# KEY CERT FILE...
	local key=$1 cert=$2 hash f sign_file

	shift 2
	sign_file=$(check "$key" "$cert")
	hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' \
		"$KDIR/include/config/auto.conf" 2>/dev/null) || hash=
	for f; do
		strip_sig "$f"
		"$sign_file" "${hash:-sha256}" "$key" "$cert" "$f" ||
			die "sign-file failed on $f"
	done
}

case ${1-} in
key) [ $# -eq 2 ] || usage; make_key "$2" ;;
sign) [ $# -ge 4 ] || usage; sign "${@:2}" ;;
check) [ $# -eq 3 ] || usage; check "$2" "$3" >/dev/null ;;
strip) [ $# -ge 2 ] || usage; for f in "${@:2}"; do strip_sig "$f"; done ;;
sign-file) [ $# -eq 1 ] || usage
	find_sign_file || die "$KDIR has no scripts/sign-file that runs here" ;;
*) usage ;;
esac
