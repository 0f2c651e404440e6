// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for koinfo: each input is written to a file (libkmod
 * reads modules by path) and goes through everything koinfo does with a
 * .ko: the loader's checks, libkmod's .modinfo and symbol tables, the
 * layout, relocations and init/exit, both outputs, and, when
 * KOINFO_FUZZ_KDIR names a kernel tree, the prediction against it.
 * Built and run by `make fuzz` (tools/koinfo/Makefile).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "koinfo.h"

static char path[64];
static FILE *sink;
static struct kdir *kdir;

static void cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *k = getenv("KOINFO_FUZZ_KDIR");
	char err[1024];

	snprintf(path, sizeof(path), "/tmp/koinfo-fuzz-%d.ko", (int)getpid());
	atexit(cleanup);
	elf_version(EV_CURRENT);
	sink = fopen("/dev/null", "we");
	if (k && *k) {
		kdir = kdir_open(k, err, sizeof(err));
		if (!kdir)
			fprintf(stderr, "fuzz: %s\n", err);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ko ko, *kos[1] = { &ko };
	struct json j;
	char first[512];
	FILE *f = fopen(path, "we");

	if (!f)
		abort();
	if (fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	if (!ko_open(&ko, path, &targets[0]) && !ko_read_modinfo(&ko) && !ko_read_elf(&ko)) {
		print_text(&ko, sink);
		json_init(&j, sink);
		print_json(&ko, &j);
		if (kdir)
			predict(kdir, kos, 1, size & 1, sink, first, sizeof(first));
	}
	ko_close(&ko);
	return 0;
}
