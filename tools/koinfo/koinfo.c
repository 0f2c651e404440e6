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
 * Exit status: 0 when every file passes (with --against: every one is
 * predicted to load), 1 when the loader refuses one: a file it would
 * refuse before reading it (not ELF, truncated, wrong machine, broken
 * section table) gets one line on stderr naming the kernel's check. 2 when
 * koinfo cannot tell, with one line saying why: a usage error, a file or
 * KDIR it cannot read, a library's error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "koinfo.h"

static void print_usage(FILE *f)
{
	fputs("usage: koinfo [--json] [--against KDIR [--sig-enforce]] FILE.ko...\n"
	      "  --against KDIR  predict the load into the kernel built in KDIR\n"
	      "                  (its Module.symvers and include/generated/)\n"
	      "  --json          print JSON\n"
	      "  --sig-enforce   with --against: as booted with module.sig_enforce=1\n", f);
}

/*
 * Read one file: the loader's checks first, then .modinfo, then the rest.
 * NULL when it fails, *status raised to what the failure means.
 */
static struct ko *load(const char *path, const struct target *t, int *status)
{
	struct ko *ko = xcalloc(1, sizeof(*ko));
	int why;

	if (ko_open(ko, path, t) || ko_read_modinfo(ko) || ko_read_elf(ko)) {
		fprintf(stderr, "koinfo: %s: ", path);
		text_str(stderr, ko->err);
		fputc('\n', stderr);
		why = ko->unknown ? KO_UNKNOWN : KO_REFUSED;
		if (*status < why)
			*status = why;
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
	const struct target *t = &targets[0];
	struct kdir *kdir = NULL;
	struct ko **kos;
	char err[1024];
	int c, json = 0, status = KO_LOADS, sig_enforce = 0;
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
			return KO_UNKNOWN;
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return KO_UNKNOWN;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		fputs("koinfo: libelf is too old\n", stderr);
		return KO_UNKNOWN;
	}
	if (kdir_path) {
		kdir = kdir_open(kdir_path, err, sizeof(err));
		if (!kdir) {
			fprintf(stderr, "koinfo: %s\n", err);
			return KO_UNKNOWN;
		}
		t = kdir_target(kdir);
		if (sig_enforce)
			kdir_set_sig_enforce(kdir);
	}

	kos = xcalloc(argc - optind, sizeof(*kos));
	for (i = optind; i < (size_t)argc; i++) {
		struct ko *ko = load(argv[i], t, &status);

		if (ko)
			kos[n++] = ko;
	}

	if (kdir && status == KO_LOADS) {
		if (predict(kdir, kos, n, json, stdout, err, sizeof(err))) {
			fflush(stdout);
			fprintf(stderr, "koinfo: ");
			text_str(stderr, err);
			fputc('\n', stderr);
			status = KO_REFUSED;
		}
	} else if (!kdir && json) {
		/* More than one file given: an array of them. */
		struct json j;
		int array = argc - optind > 1;

		json_init(&j, stdout);
		if (array)
			json_open(&j, NULL, '[', JSON_LINES);
		for (i = 0; i < n; i++)
			print_json(kos[i], &j);
		if (array)
			json_close(&j);
		if (array || n)
			fputc('\n', stdout);
	} else if (!kdir) {
		for (i = 0; i < n; i++) {
			if (i)
				fputc('\n', stdout);
			print_text(kos[i], stdout);
		}
	}

	for (i = 0; i < n; i++) {
		ko_close(kos[i]);
		free(kos[i]);
	}
	free(kos);
	kdir_close(kdir);
	if (fflush(stdout) == EOF && errno != EPIPE) {
		perror("koinfo: stdout");
		return KO_UNKNOWN;
	}
	return status;
}
