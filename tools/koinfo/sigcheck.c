// SPDX-License-Identifier: GPL-2.0
/*
 * What module_sig_check() (kernel/module/signing.c) will decide about a
 * module, for koinfo --against KDIR: the signature is looked for at the
 * end of the file, its signer (issuer and serial number: sign-file writes
 * no certificate into the PKCS#7 message) among the certificates KDIR
 * holds of its kernel's (certs/signing_key.x509, the key a kernel build
 * makes and builds in), and the signature verified over the bytes before
 * it (mod_verify_sig() -> verify_pkcs7_signature()), with libcrypto.
 *
 *   0 / -ENODATA / -ENOKEY / -EKEYREJECTED / -EBADMSG: mod_verify_sig()'s
 *   answer, as module_sig_check() switches on it; WHY says how koinfo
 *   knows.
 *
 * A headers package (Debian's) holds no certificate of the kernel: then
 * no signature can be told trusted, and koinfo says so.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "koinfo.h"

static X509 *read_cert(const char *kdir, char *path, size_t len)
{
	X509 *x = NULL;
	BIO *b;

	snprintf(path, len, "%s/certs/signing_key.x509", kdir);
	b = BIO_new_file(path, "rb");
	if (!b)
		return NULL;
	x = d2i_X509_bio(b, NULL);
	BIO_free(b);
	return x;
}

int sig_check(const struct ko *ko, const char *kdir, char *why, size_t whylen)
{
	const unsigned char *p;
	/* STACK_OF(PKCS7_SIGNER_INFO), STACK_OF(X509), spelt out */
	struct stack_st_PKCS7_SIGNER_INFO *sis;
	struct stack_st_X509 *certs = NULL;
	PKCS7_SIGNER_INFO *si;
	PKCS7 *p7 = NULL;
	X509 *cert = NULL;
	BIO *content = NULL;
	char path[4096];
	size_t siglen;
	int ret;

	if (!ko->signed_) {
		snprintf(why, whylen, "no \"~Module signature appended~\" at the end of the file");
		return -ENODATA;
	}
	/* The signature: after the ELF image, before the 12-byte struct and the marker. */
	siglen = ko->size - ko->len - 12 - (sizeof("~Module signature appended~\n") - 1);
	p = (const unsigned char *)ko->data + ko->len;
	p7 = d2i_PKCS7(NULL, &p, siglen);
	if (!p7 || !PKCS7_type_is_signed(p7)) {
		snprintf(why, whylen, "the signature is not a PKCS#7 signed message");
		ret = -EBADMSG;
		goto out;
	}
	sis = PKCS7_get_signer_info(p7);
	si = sis && sk_PKCS7_SIGNER_INFO_num(sis) == 1 ? sk_PKCS7_SIGNER_INFO_value(sis, 0) : NULL;
	if (!si) {
		snprintf(why, whylen, "the signature has no single signer");
		ret = -EBADMSG;
		goto out;
	}
	cert = read_cert(kdir, path, sizeof(path));
	if (!cert) {
		snprintf(why, whylen, "%s has no certificate of its kernel (%s): a headers package; its kernel trusts keys koinfo cannot see, taken as not this one",
			 kdir, path);
		ret = -ENOKEY;
		goto out;
	}
	if (ASN1_INTEGER_cmp(si->issuer_and_serial->serial, X509_get0_serialNumber(cert)) ||
	    X509_NAME_cmp(si->issuer_and_serial->issuer, X509_get_issuer_name(cert))) {
		snprintf(why, whylen, "signed by another key than the kernel's own (%s)", path);
		ret = -ENOKEY;
		goto out;
	}
	certs = sk_X509_new_null();
	content = BIO_new_mem_buf(ko->data, ko->len);
	if (!certs || !content || !sk_X509_push(certs, cert)) {
		snprintf(why, whylen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	/* The signature only, as the kernel checks it: no chain, no time. */
	if (PKCS7_verify(p7, certs, NULL, content, NULL,
			 PKCS7_BINARY | PKCS7_NOINTERN | PKCS7_NOVERIFY | PKCS7_NOCHAIN) == 1) {
		snprintf(why, whylen,
			 "signed with the kernel's own key (%s), and the signature verifies",
			 path);
		ret = 0;
	} else {
		snprintf(why, whylen, "signed with the kernel's own key (%s), but the signature does not match the bytes: changed after signing",
			 path);
		ret = -EKEYREJECTED;
	}
out:
	sk_X509_free(certs);
	BIO_free(content);
	X509_free(cert);
	PKCS7_free(p7);
	return ret;
}
