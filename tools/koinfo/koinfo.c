// SPDX-License-Identifier: GPL-2.0
/*
 * koinfo - see what the kernel's module loader will do with a .ko file.
 *
 *   koinfo FILE.ko...                 the loader's view of each file, in
 *                                     load_module()'s order
 *   koinfo --against KDIR FILE.ko...  will the kernel built in KDIR load
 *                                     them? Exit 1 with the kernel's own
 *                                     words for the first refusal
 *   --json                            the same for a program
 *
 * A file the loader would refuse before reading it (not ELF, truncated,
 * wrong machine, broken section table) gets one line on stderr naming the
 * kernel's check, and exit status 1. Status 2 is a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "koinfo.h"

/* The suite builds for arm64; --against takes the machine from KDIR. */
static const struct target arm64 = { EM_AARCH64, "aarch64" };

static void print_usage(FILE *f)
{
	fputs("usage: koinfo [--json] [--against KDIR [--sig-enforce]] FILE.ko...\n"
	      "  --against KDIR  predict the load into the kernel built in KDIR\n"
	      "                  (its Module.symvers and include/generated/)\n"
	      "  --json          print JSON\n"
	      "  --sig-enforce   with --against: as booted with module.sig_enforce=1\n", f);
}

/* Read one file: the loader's checks first, then .modinfo, then the rest. */
static struct ko *load(const char *path, const struct target *t)
{
	struct ko *ko = xcalloc(1, sizeof(*ko));

	if (ko_open(ko, path, t) || ko_read_modinfo(ko) || ko_read_elf(ko)) {
		fprintf(stderr, "koinfo: %s: ", path);
		text_str(stderr, ko->err);
		fputc('\n', stderr);
		ko_close(ko);
		free(ko);
		return NULL;
	}
	return ko;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "against", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "sig-enforce", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *kdir_path = NULL;
	const struct target *t = &arm64;
	struct kdir *kdir = NULL;
	struct ko **kos;
	char err[1024];
	int c, json = 0, status = 0, sig_enforce = 0;
	size_t i, n = 0;

	while ((c = getopt_long(argc, argv, "a:jsh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			kdir_path = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 's':
			sig_enforce = 1;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return 2;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		fputs("koinfo: libelf is too old\n", stderr);
		return 2;
	}
	if (kdir_path) {
		kdir = kdir_open(kdir_path, err, sizeof(err));
		if (!kdir) {
			fprintf(stderr, "koinfo: %s\n", err);
			return 2;
		}
		t = kdir_target(kdir);
		if (sig_enforce)
			kdir_set_sig_enforce(kdir);
	}

	kos = xcalloc(argc - optind, sizeof(*kos));
	for (i = optind; i < (size_t)argc; i++) {
		struct ko *ko = load(argv[i], t);

		if (!ko) {
			status = 1;
			continue;
		}
		kos[n++] = ko;
	}

	if (kdir && status == 0) {
		if (predict(kdir, kos, n, json, stdout, err, sizeof(err))) {
			fflush(stdout);
			fprintf(stderr, "koinfo: ");
			text_str(stderr, err);
			fputc('\n', stderr);
			status = 1;
		}
	} else if (!kdir) {
		if (json && argc - optind > 1)
			fputs("[\n", stdout);
		for (i = 0; i < n; i++) {
			if (json) {
				print_json(kos[i], stdout);
				fputs(i + 1 < n ? ",\n" : "\n", stdout);
			} else {
				if (i)
					fputc('\n', stdout);
				print_text(kos[i], stdout);
			}
		}
		if (json && argc - optind > 1)
			fputs("]\n", stdout);
	}

	for (i = 0; i < n; i++) {
		ko_close(kos[i]);
		free(kos[i]);
	}
	free(kos);
	kdir_close(kdir);
	if (fflush(stdout) == EOF && errno != EPIPE) {
		perror("koinfo: stdout");
		return 2;
	}
	return status;
}
