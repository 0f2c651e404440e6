/* SPDX-License-Identifier: GPL-2.0 */
/*
 * koinfo - what the kernel's loader (load_module() in kernel/module/main.c)
 * will do with a .ko file, read from the file alone; with --against, a
 * prediction of whether a given kernel tree will accept it, and why not.
 *
 * The parts: elf.c (libelf: the loader's ELF checks, sections and their
 * core/init layout, relocations, struct module's init/exit, export kinds),
 * modinfo.c (libkmod: .modinfo, __versions, exported and needed symbols),
 * against.c (a kernel tree's Module.symvers and vermagic; the prediction),
 * container.c (compressed files; the signature's fields), sigcheck.c
 * (libcrypto: will module_sig_check() accept the signature),
 * output.c (text and JSON), koinfo.c (the command line).
 */
#ifndef KOINFO_H
#define KOINFO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <gelf.h>

struct kmod_ctx;
struct kmod_module;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum part { PART_NONE, PART_CORE, PART_INIT };

struct ko_section {
	const char *name;	/* in the file's own string table */
	GElf_Shdr sh;
	enum part part;
	const char *group;	/* text, ro, ro_after_init, rw; or why not loaded */
};

struct ko_reloc {
	size_t index;		/* the SHT_REL(A) section */
	size_t target;		/* the section it patches (sh_info) */
	size_t count;
	size_t external;	/* entries naming an undefined symbol */
	int applied;		/* the loader applies it (target is SHF_ALLOC) */
};

struct ko_param {
	char *name, *type, *desc;
};

struct ko_sym {
	char *name;
	uint64_t crc;
	int has_crc;
	int gpl;		/* exports: in __ksymtab_gpl */
	int weak;		/* undefined symbols: STB_WEAK */
	char *ns;		/* exports: the namespace, or NULL */
};

struct ko_func {
	char *name;		/* the function, e.g. helloworld_init */
	char *alias;		/* the symbol relocated, e.g. init_module */
	const char *section;
	uint64_t offset;	/* where in struct module the pointer lives */
};

struct ko {
	const char *path;
	char *data;		/* the whole file */
	size_t size;		/* its size */
	size_t len;		/* the ELF part: without a signature */
	int signed_;
	Elf *elf;
	GElf_Ehdr eh;
	struct ko_section *secs;
	size_t nsecs;
	size_t symtab;		/* section index of .symtab */
	size_t this_module;	/* of .gnu.linkonce.this_module */
	size_t versions;	/* of __versions, 0 when absent */
	int mod_unload;		/* vermagic says mod_unload: .exit is core */
	uint64_t size_core[4], size_init[4];	/* per layout_sections group */
	struct ko_reloc *relocs;
	size_t nrelocs;
	struct ko_func init, exit;

	/* .modinfo, through libkmod */
	struct kmod_ctx *ctx;
	struct kmod_module *mod;
	char *name, *license, *vermagic, *depends, *version, *srcversion;
	int intree;
	char **info_keys, **info_vals;	/* every .modinfo field, in order */
	size_t ninfo;
	char **import_ns;
	size_t nimport_ns;
	struct ko_param *params;
	size_t nparams;
	struct ko_sym *vers, *exports, *undefs;
	size_t nvers, nexports, nundefs;

	/* container.c: a compressed file, and libkmod's view of its bytes */
	const char *compression;	/* "xz", "zstd", "gzip" or NULL */
	size_t compressed_size;
	int memfd;
	char memfd_path[32];

	char err[512];
	int unknown;		/* err says why koinfo cannot tell: no refusal */
};

/*
 * koinfo's exit status. A file the loader refuses (its ELF checks, or
 * --against's prediction) is not one koinfo could not read: a caller that
 * takes 1 as a prediction must not get it for a missing file.
 */
enum {
	KO_LOADS = 0,		/* every file passes; with --against, loads */
	KO_REFUSED = 1,		/* the loader refuses one: its words on stderr */
	KO_UNKNOWN = 2,		/* koinfo cannot tell (usage, unreadable): why */
};

/* A machine a module may be built for. */
struct target {
	int machine;		/* e_machine */
	const char *arch;	/* as in vermagic's last word: aarch64 */
	const char *name;	/* as readelf names the machine: AArch64 */
	const char *config;	/* the kernel option that builds for it */
};

/*
 * A JSON writer for koinfo's two documents: it puts the commas, the
 * spaces and the line breaks, and escapes strings. A container opened with
 * JSON_LINES puts each member on a line of its own, indented two spaces
 * more than the enclosing one's; JSON_INLINE keeps them on one line. A
 * string that is NULL is written null.
 */
#define JSON_DEPTH 8

enum { JSON_INLINE, JSON_LINES };

struct json {
	FILE *out;
	int depth, lines;	/* containers open; how many put a member a line */
	struct {
		char close;	/* ']' or '}' */
		int lines;	/* JSON_LINES */
		size_t members;
	} level[JSON_DEPTH];
};

/* elf.c */
extern const struct target targets[];	/* the first is the suite's: arm64 */
extern const size_t ntargets;
const struct target *target_of(int machine);
int ko_open(struct ko *ko, const char *path, const struct target *t);
int ko_read_elf(struct ko *ko);
void ko_close(struct ko *ko);
int ko_fail(struct ko *ko, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ko_unknown(struct ko *ko, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *ko_secname(const struct ko *ko, size_t i);
int license_is_gpl_compatible(const char *license);
void *xcalloc(size_t n, size_t size);
void *xgrow(void *p, size_t *cap, size_t n, size_t size);
char *xstrdup(const char *s);

/* container.c */
int ko_decompress(struct ko *ko);
const char *ko_libkmod_path(struct ko *ko);
char *info_value(const char *key, const char *value);
const char *ko_info(const struct ko *ko, const char *key);
void print_container(const struct ko *ko, FILE *out);
void print_container_json(const struct ko *ko, struct json *j);

/* sigcheck.c */
int sig_check(const struct ko *ko, const char *kdir, char *why, size_t whylen);

/* modinfo.c */
int ko_read_modinfo(struct ko *ko);

/* against.c */
struct kdir;
struct kdir *kdir_open(const char *path, char *err, size_t errlen);
void kdir_close(struct kdir *k);
const struct target *kdir_target(const struct kdir *k);
const char *kdir_vermagic(const struct kdir *k);
void kdir_set_sig_enforce(struct kdir *k);
int predict(struct kdir *k, struct ko **kos, size_t n, int json, FILE *out,
	    char *first, size_t firstlen);

/* output.c */
void print_text(const struct ko *ko, FILE *out);
void print_json(const struct ko *ko, struct json *j);
void text_str(FILE *out, const char *s);
void json_init(struct json *j, FILE *out);
void json_open(struct json *j, const char *key, char kind, int lines);
void json_close(struct json *j);
void json_null(struct json *j, const char *key);
void json_string(struct json *j, const char *key, const char *s);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, long long v);
void json_bool(struct json *j, const char *key, int v);

#endif /* KOINFO_H */
