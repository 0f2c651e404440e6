// SPDX-License-Identifier: GPL-2.0
/*
 * What wraps a module's ELF image: the compression around the file
 * (.ko.xz, .ko.zst, .ko.gz, told by their magic bytes, as kmod's
 * libkmod-file.c and the kernel's kernel/module/decompress.c tell them)
 * and the signature fields libkmod reads from the one appended to it.
 *
 * A compressed file is read whole into memory, as kmod does before it
 * calls init_module(); libkmod then reads the same bytes through a memfd,
 * so that koinfo reads .ko.gz even where the host's libkmod was built
 * without zlib (Debian 12's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <lzma.h>
#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#include "koinfo.h"

/* No module is larger: the limit elf.c puts on a file, for its contents. */
#define OUT_MAX (256UL << 20)

static int grow(struct ko *ko, char **buf, size_t *cap, size_t want)
{
	char *p;

	if (want <= *cap)
		return 0;
	if (want > OUT_MAX)
		return ko_fail(ko, "decompressed, larger than %lu MiB: not a module",
			       OUT_MAX >> 20);
	want = want < 2 * *cap ? 2 * *cap : want;
	if (want > OUT_MAX)
		want = OUT_MAX;
	p = realloc(*buf, want + 1);
	if (!p)
		return ko_fail(ko, "out of memory");
	*buf = p;
	*cap = want;
	return 0;
}

static int unxz(struct ko *ko, char **out, size_t *len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t cap = 0;
	lzma_ret r;

	if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return ko_fail(ko, "xz: cannot start the decoder");
	s.next_in = (const uint8_t *)ko->data;
	s.avail_in = ko->size;
	do {
		if (grow(ko, out, &cap, cap + 65536)) {
			lzma_end(&s);
			return -1;
		}
		s.next_out = (uint8_t *)*out + s.total_out;
		s.avail_out = cap - s.total_out;
		r = lzma_code(&s, LZMA_FINISH);
	} while (r == LZMA_OK);
	*len = s.total_out;
	lzma_end(&s);
	if (r != LZMA_STREAM_END)
		return ko_fail(ko, "xz: corrupt or truncated (lzma error %d)", r);
	return 0;
}

static int ungzip(struct ko *ko, char **out, size_t *len)
{
	z_stream s = { 0 };
	size_t cap = 0;
	int r;

	/* 16 + MAX_WBITS: a gzip header, not zlib's. */
	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK)
		return ko_fail(ko, "gzip: cannot start the decoder");
	s.next_in = (Bytef *)ko->data;
	s.avail_in = ko->size > UINT32_MAX ? UINT32_MAX : ko->size;
	do {
		if (grow(ko, out, &cap, cap + 65536)) {
			inflateEnd(&s);
			return -1;
		}
		s.next_out = (Bytef *)*out + s.total_out;
		s.avail_out = cap - s.total_out;
		r = inflate(&s, Z_NO_FLUSH);
	} while (r == Z_OK);
	*len = s.total_out;
	inflateEnd(&s);
	if (r != Z_STREAM_END)
		return ko_fail(ko, "gzip: corrupt or truncated (zlib error %d)", r);
	return 0;
}

static int unzstd(struct ko *ko, char **out, size_t *len)
{
#ifdef HAVE_ZSTD
	ZSTD_DStream *s = ZSTD_createDStream();
	ZSTD_inBuffer in = { ko->data, ko->size, 0 };
	ZSTD_outBuffer o = { NULL, 0, 0 };
	size_t cap = 0, r = 1;

	if (!s)
		return ko_fail(ko, "zstd: cannot start the decoder");
	while (r && in.pos < in.size) {
		if (grow(ko, out, &cap, cap + 65536)) {
			ZSTD_freeDStream(s);
			return -1;
		}
		o.dst = *out;
		o.size = cap;
		r = ZSTD_decompressStream(s, &o, &in);
		if (ZSTD_isError(r)) {
			ZSTD_freeDStream(s);
			return ko_fail(ko, "zstd: %s", ZSTD_getErrorName(r));
		}
	}
	ZSTD_freeDStream(s);
	*len = o.pos;
	if (r)
		return ko_fail(ko, "zstd: truncated");
	return 0;
#else
	return ko_fail(ko, "zstd-compressed, and koinfo was built without libzstd (libzstd-dev)");
#endif
}

int ko_decompress(struct ko *ko)
{
	static const struct {
		const char *name;
		const char *magic;
		size_t len;
		int (*fn)(struct ko *ko, char **out, size_t *len);
	} fmts[] = {
		{ "xz", "\3757zXZ\0", 6, unxz },
		{ "zstd", "\x28\xb5\x2f\xfd", 4, unzstd },
		{ "gzip", "\x1f\x8b", 2, ungzip },
	};
	char *out = NULL;
	size_t i, len = 0;

	for (i = 0; i < ARRAY_SIZE(fmts); i++)
		if (ko->size >= fmts[i].len &&
		    !memcmp(ko->data, fmts[i].magic, fmts[i].len))
			break;
	if (i == ARRAY_SIZE(fmts))
		return 0;
	if (fmts[i].fn(ko, &out, &len)) {
		free(out);
		return -1;
	}
	out[len] = '\0';
	ko->compression = fmts[i].name;
	ko->compressed_size = ko->size;
	free(ko->data);
	ko->data = out;
	ko->size = len;
	return 0;
}

/*
 * The path libkmod reads: the file itself, or, for a compressed one, a
 * memfd holding the bytes decompressed above.
 */
const char *ko_libkmod_path(struct ko *ko)
{
	size_t done = 0;
	ssize_t n;

	if (!ko->compression)
		return ko->path;
	if (ko->memfd <= 0) {
		ko->memfd = memfd_create("koinfo", MFD_CLOEXEC);
		if (ko->memfd < 0)
			return NULL;
		while (done < ko->size) {
			n = write(ko->memfd, ko->data + done, ko->size - done);
			if (n <= 0)
				return NULL;
			done += n;
		}
	}
	snprintf(ko->memfd_path, sizeof(ko->memfd_path), "/proc/self/fd/%d", ko->memfd);
	return ko->memfd_path;
}

/*
 * A .modinfo value as modinfo prints it on one line: libkmod breaks the
 * signature's hex into rows of 20 bytes with "\n\t\t"; koinfo prints it
 * whole, with the colons that modinfo prints.
 */
char *info_value(const char *key, const char *value)
{
	char *s = xstrdup(value), *d = s;
	const char *p;

	if (strcmp(key, "signature"))
		return s;
	for (p = value; *p; p++)
		if (*p != '\n' && *p != '\t')
			*d++ = *p;
	*d = '\0';
	return s;
}

/* The first value of a .modinfo field (libkmod's too: signer...), or NULL. */
const char *ko_info(const struct ko *ko, const char *key)
{
	size_t i;

	for (i = 0; i < ko->ninfo; i++)
		if (!strcmp(ko->info_keys[i], key))
			return ko->info_vals[i];
	return NULL;
}

/* Text: how the file is wrapped, and who signed it (kmod's words). */
void print_container(const struct ko *ko, FILE *out)
{
	const char *signer = ko_info(ko, "signer");

	if (ko->compression)
		fprintf(out, "  compressed: %s, %zu bytes, %zu decompressed (kmod decompresses it, or the kernel: CONFIG_MODULE_DECOMPRESS)\n",
			ko->compression, ko->compressed_size, ko->size);
	if (!ko->signed_)
		return;
	fputs("  signature: ", out);
	text_str(out, ko_info(ko, "sig_id") ? ko_info(ko, "sig_id") : "?");
	fputs(", signer '", out);
	text_str(out, signer ? signer : "");
	fputs("', key ", out);
	text_str(out, ko_info(ko, "sig_key") ? ko_info(ko, "sig_key") : "?");
	fputs(", hash ", out);
	text_str(out, ko_info(ko, "sig_hashalgo") ? ko_info(ko, "sig_hashalgo") : "?");
	fputc('\n', out);
}

/* JSON: "compression" and "signature" members of the top object. */
void print_container_json(const struct ko *ko, struct json *j)
{
	static const char *const keys[] = { "signer", "sig_key", "sig_hashalgo" };
	size_t i;

	json_string(j, "compression", ko->compression);
	if (!ko->signed_) {
		json_null(j, "signature");
		return;
	}
	json_open(j, "signature", '{', JSON_INLINE);
	json_string(j, "id", ko_info(ko, "sig_id"));
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		json_string(j, keys[i], ko_info(ko, keys[i]));
	json_uint(j, "bytes", ko->size - ko->len);
	json_close(j);
}
