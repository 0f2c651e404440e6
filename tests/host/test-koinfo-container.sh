#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: tools/koinfo reads compressed modules and shows signatures.
# helloworld.ko is signed with kmodlab's own key (scripts/sign.sh, the
# kernel's sign-file; the key is made once into the cache), then
# compressed as Kbuild's modules_install does: .ko.xz, .ko.gz, .ko.zst.
# For each of the four files:
#   - koinfo --json reads it and names its compression (null for none);
#   - the signer, key and hash it reports are modinfo's (of the
#     uncompressed file: the host's kmod may lack zlib), and its
#     "signature" field is modinfo's hex, without modinfo's line breaks;
#   - its text report is the uncompressed file's, but for the file name
#     and the line saying how it was compressed.
# An unsigned module has "signature": null; a truncated .ko.xz gets one
# line on stderr and exit 2 (koinfo cannot tell).
# Variables: KOINFO, KDIR (tests/host/koinfo.sh), KMODLAB_CACHE

# shellcheck source=tests/host/koinfo.sh
. "${0%/*}/koinfo.sh"
key=$KMODLAB_CACHE/keys/kmodlab.pem
ko=$top/helloworld/helloworld.ko

ktap_print_header
[ -x "$KOINFO" ] || ktap_skip_all "$KOINFO not built: run 'make koinfo'"
[ -r "$ko" ] || ktap_skip_all "no $ko: run make"
"$top/scripts/sign.sh" key "$key" 2>/dev/null ||
	ktap_skip_all "cannot make the key $key (openssl)"
cp "$ko" "$tmp/helloworld.ko"
KDIR=$KDIR "$top/scripts/sign.sh" sign "$key" "${key%.pem}.x509" "$tmp/helloworld.ko" ||
	ktap_skip_all "sign-file of $KDIR failed"
ktap_set_plan 22

# modinfo's view of the signed file; "signature" joined up.
want_sig=$(modinfo -F signature "$tmp/helloworld.ko" | tr -d ' \t\n')
info=$(modinfo "$tmp/helloworld.ko")
want_fields="$(field signer "$info")|$(field sig_key "$info")|$(field sig_hashalgo "$info")"
"$KOINFO" "$tmp/helloworld.ko" | sed 1d >"$tmp/plain.txt"

(cd "$tmp" && xz --check=crc32 --lzma2=dict=1MiB -k helloworld.ko &&
	gzip -n -k helloworld.ko && zstd -q -k helloworld.ko)

for f in helloworld.ko helloworld.ko.xz helloworld.ko.gz helloworld.ko.zst; do
	case $f in
	*.xz) z=xz ;;
	*.gz) z=gzip ;;
	*.zst) z=zstd ;;
	*) z=null ;;
	esac
	run "$KOINFO" --json "$tmp/$f"
	if [ "$z" = zstd ] && [ "$rc" -ne 0 ] &&
	   __match 'built without libzstd' "$out"; then
		for c in "reads it" "compression" "signer, key, hash" \
			 "signature" "text"; do
			ktap_test_skip "$f: $c" "koinfo was built without libzstd (libzstd-dev)"
		done
		continue
	fi
	check_run "$f: koinfo reads it" 0
	json=$out
	[ "$z" = null ] || z="\"$z\""
	check_match "$f: \"compression\": $z" "^  \"compression\": $z,\$" "$json"
	got=$(printf '%s\n' "$json" | sed -n 's/^  "signature": {"id": "PKCS#7", "signer": "\([^"]*\)", "sig_key": "\([^"]*\)", "sig_hashalgo": "\([^"]*\)".*/\1|\2|\3/p')
	check_eq "$f: signer, key, hash are modinfo's" "$want_fields" "$got"
	got=$(printf '%s\n' "$json" | sed -n 's/.*\["signature", "\([^"]*\)"\].*/\1/p')
	check_eq "$f: signature is modinfo's, in one piece" "$want_sig" "$got"
	"$KOINFO" "$tmp/$f" | sed 1d | grep -v '^  compressed: ' >"$tmp/got.txt"
	run diff "$tmp/plain.txt" "$tmp/got.txt"
	check_run "$f: the report is the uncompressed file's" 0
done

run "$KOINFO" --json "$ko"
check_match "unsigned: \"signature\": null" '^  "signature": null,$' "$out"
head -c 2000 "$tmp/helloworld.ko.xz" >"$tmp/short.ko.xz"
# Not decompressed, the file is not read: koinfo cannot tell (exit 2).
one_line_error "truncated .ko.xz: one-line error, exit 2" "$tmp/short.ko.xz" \
	': xz: corrupt or truncated' 2
ktap_finished
