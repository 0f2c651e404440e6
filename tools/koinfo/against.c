// SPDX-License-Identifier: GPL-2.0
/*
 * koinfo --against KDIR: what a kernel built from KDIR (a build tree, a
 * headers package, or a board's /lib/modules/$(uname -r)/build) will say
 * when each module is loaded, from KDIR's own files:
 *
 *   include/generated/utsrelease.h  UTS_RELEASE, the first word of the
 *        kernel's vermagic (Debian's include/config/kernel.release holds
 *        the upstream version, 6.1.192, not the release: not used);
 *   include/generated/autoconf.h     the CONFIG_ options that make up the
 *        rest of vermagic (include/linux/vermagic.h) and decide what the
 *        loader forgives (MODULE_FORCE_LOAD, ...);
 *   Module.symvers                   every symbol vmlinux and the in-tree
 *        modules export: CRC, owner, GPL-only or not, namespace.
 *
 * The checks follow load_module() on Linux 6.1 in its order and print the
 * kernel's own messages (kernel/module/main.c and version.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "koinfo.h"

struct export {
	char *name, *owner, *ns;
	uint32_t crc;
	int gpl;
};

struct kdir {
	char *path;
	char release[128];
	char vermagic[512];	/* empty when it cannot be composed */
	const struct target *target;
	char **config;		/* CONFIG_ names set to y or m */
	size_t nconfig;
	char *symvers;		/* Module.symvers, cut up: syms point into it */
	struct export *syms;	/* sorted by name */
	size_t nsyms;
	struct ko **kos;	/* the modules given: loaded before, as deps */
	size_t nkos;
	int sig_enforce;	/* booted with module.sig_enforce=1 */
};

static char *slurp(const char *dir, const char *file)
{
	char path[4096], *buf = NULL;
	size_t cap = 0, n = 0, got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	do {
		if (cap - n < 4097) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf) {
				fputs("koinfo: out of memory\n", stderr);
				exit(2);
			}
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static int config(const struct kdir *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->nconfig; i++)
		if (!strcmp(k->config[i], name))
			return 1;
	return 0;
}

static int cmp_export(const void *a, const void *b)
{
	return strcmp(((const struct export *)a)->name, ((const struct export *)b)->name);
}

static const struct export *symvers_find(const struct kdir *k, const char *name)
{
	struct export key = { .name = (char *)name };

	return bsearch(&key, k->syms, k->nsyms, sizeof(key), cmp_export);
}

/* Module.symvers: CRC <tab> symbol <tab> owner <tab> export type <tab> namespace */
static int read_symvers(struct kdir *k, char *err, size_t errlen)
{
	char *buf = slurp(k->path, "Module.symvers"), *line, *save = NULL;
	size_t cap = 0;

	if (!buf) {
		snprintf(err, errlen, "%s/Module.symvers: %s", k->path, strerror(errno));
		return -1;
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[5] = { NULL }, *p = line;
		struct export *e;
		int i;

		for (i = 0; i < 5 && p; i++) {
			f[i] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (i < 4)
			continue;
		k->syms = xgrow(k->syms, &cap, k->nsyms, sizeof(*k->syms));
		e = &k->syms[k->nsyms++];
		e->crc = strtoul(f[0], NULL, 16);
		e->name = f[1];
		e->owner = f[2];
		e->gpl = !!strstr(f[3], "_GPL");
		e->ns = f[4] && *f[4] ? f[4] : NULL;
	}
	k->symvers = buf;
	qsort(k->syms, k->nsyms, sizeof(*k->syms), cmp_export);
	return 0;
}

/* "#define NAME value" lines of a generated header. */
static void read_defines(struct kdir *k, const char *file, size_t *cap)
{
	char *buf = slurp(k->path, file), *line, *save = NULL, *end;

	if (!buf)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "#define ", 8))
			continue;
		line += 8;
		if (!strncmp(line, "UTS_RELEASE ", 12)) {
			line = strchr(line, '"');
			end = line ? strchr(++line, '"') : NULL;
			if (end && (size_t)(end - line) < sizeof(k->release))
				memcpy(k->release, line, end - line);
			continue;
		}
		if (!strncmp(line, "RANDSTRUCT_HASHED_SEED ", 23))
			continue;
		end = strchr(line, ' ');
		if (!end || strcmp(end, " 1"))
			continue;
		*end = '\0';
		k->config = xgrow(k->config, cap, k->nconfig, sizeof(char *));
		k->config[k->nconfig++] = xstrdup(line);
	}
	free(buf);
}

/*
 * include/linux/vermagic.h: UTS_RELEASE " " then "SMP ", "preempt " (or
 * "preempt_rt "), "mod_unload ", "modversions ", MODULE_ARCH_VERMAGIC and
 * MODULE_RANDSTRUCT. CONFIG_PREEMPT_BUILD is 6.1's name for what 5.10
 * tested as CONFIG_PREEMPT. arm64's MODULE_ARCH_VERMAGIC is its name,
 * "aarch64" (arch/arm64/include/asm/vermagic.h); other architectures'
 * depend on more options, so the comparison is left out for them.
 */
static void compose_vermagic(struct kdir *k)
{
	char *seed = slurp(k->path, "include/generated/randstruct_hash.h");
	char *q = seed ? strchr(seed, '"') : NULL, *e = q ? strchr(q + 1, '"') : NULL;

	if (k->target->machine == EM_AARCH64 && k->release[0])
		snprintf(k->vermagic, sizeof(k->vermagic), "%s %s%s%s%s%s%s%.*s",
			 k->release,
			 config(k, "CONFIG_SMP") ? "SMP " : "",
			 config(k, "CONFIG_PREEMPT_BUILD") || config(k, "CONFIG_PREEMPT") ?
			 "preempt " : config(k, "CONFIG_PREEMPT_RT") ? "preempt_rt " : "",
			 config(k, "CONFIG_MODULE_UNLOAD") ? "mod_unload " : "",
			 config(k, "CONFIG_MODVERSIONS") ? "modversions " : "",
			 k->target->arch,
			 config(k, "CONFIG_RANDSTRUCT") && e ? "RANDSTRUCT_" :
			 config(k, "CONFIG_GCC_PLUGIN_RANDSTRUCT") && e ? "RANDSTRUCT_PLUGIN_" : "",
			 e && (config(k, "CONFIG_RANDSTRUCT") ||
			       config(k, "CONFIG_GCC_PLUGIN_RANDSTRUCT")) ? (int)(e - q - 1) : 0,
			 q ? q + 1 : "");
	free(seed);
}

struct kdir *kdir_open(const char *path, char *err, size_t errlen)
{
	struct kdir *k = xcalloc(1, sizeof(*k));
	size_t cap = 0, i, n;

	k->path = xstrdup(path);
	read_defines(k, "include/generated/utsrelease.h", &cap);
	read_defines(k, "include/generated/autoconf.h", &cap);
	if (!k->release[0] || !k->nconfig) {
		snprintf(err, errlen, "%s: no include/generated/utsrelease.h and autoconf.h: not a kernel build or headers tree",
			 path);
		kdir_close(k);
		return NULL;
	}
	for (i = 0; i < ntargets && !k->target; i++)
		if (config(k, targets[i].config))
			k->target = &targets[i];
	if (!k->target) {
		n = snprintf(err, errlen, "%s: an architecture koinfo does not know (none of", path);
		for (i = 0; i < ntargets && n < errlen; i++)
			n += snprintf(err + n, errlen - n, " %s", targets[i].config);
		if (n < errlen)
			snprintf(err + n, errlen - n, ")");
		kdir_close(k);
		return NULL;
	}
	if (read_symvers(k, err, errlen)) {
		kdir_close(k);
		return NULL;
	}
	compose_vermagic(k);
	return k;
}

void kdir_close(struct kdir *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->nconfig; i++)
		free(k->config[i]);
	free(k->config);
	free(k->syms);
	free(k->symvers);
	free(k->path);
	free(k);
}

const struct target *kdir_target(const struct kdir *k)
{
	return k->target;
}

const char *kdir_vermagic(const struct kdir *k)
{
	return k->vermagic;
}

/* One module's predicted load: the kernel's lines, koinfo's notes. */
struct run {
	FILE *out;
	struct json *json;	/* NULL for text */
	const struct ko *ko;
	const char *name;	/* mod->name: .modinfo name */
	int err;		/* the first refusal's errno */
	char first[512];	/* and the kernel's words for it */
	char taints[16];
	int forced;		/* TAINT_FORCED_MODULE already printed */
	int sig_ok;		/* module_sig_check() verified it */
	char depends[512];	/* as modinfo's: "exporter,other" */
};

static void say(struct run *r, int kernel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct run *r, int kernel, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (r->json) {
		json_open(r->json, NULL, '{', JSON_INLINE);
		json_bool(r->json, "kernel", kernel);
		json_string(r->json, "text", buf);
		json_close(r->json);
	} else {
		fputs(kernel ? "  kernel: " : "  ", r->out);
		text_str(r->out, buf);
		fputc('\n', r->out);
	}
}

static void refuse(struct run *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void refuse(struct run *r, int err, const char *fmt, ...)
{
	va_list ap;

	if (r->err)
		return;
	r->err = err;
	va_start(ap, fmt);
	vsnprintf(r->first, sizeof(r->first), fmt, ap);
	va_end(ap);
}

static void taint(struct run *r, char flag)
{
	size_t n = strlen(r->taints);

	if (!strchr(r->taints, flag) && n + 1 < sizeof(r->taints))
		r->taints[n] = flag;
}

/* try_to_force_load(): forgiven, with a taint, under MODULE_FORCE_LOAD. */
static int force_load(struct run *r, const struct kdir *k, const char *reason)
{
	if (!config(k, "CONFIG_MODULE_FORCE_LOAD"))
		return 0;
	if (!r->forced++)
		say(r, 1, "%s: %s: kernel tainted.", r->name, reason);
	taint(r, 'F');
	return 1;
}

/*
 * check_version(): 1 when the CRCs agree or need not; else 0, the kernel's
 * line as the refusal (with err, what the caller's init_module() returns).
 */
static int check_version(struct run *r, const struct kdir *k, const char *sym,
			 int has_crc, uint32_t crc, int err)
{
	size_t i;

	if (!config(k, "CONFIG_MODVERSIONS") || !has_crc)
		return 1;
	if (!r->ko->versions)
		return force_load(r, k, sym);
	for (i = 0; i < r->ko->nvers; i++) {
		if (strcmp(r->ko->vers[i].name, sym))
			continue;
		if (r->ko->vers[i].crc == crc)
			return 1;
		say(r, 1, "%s: disagrees about version of symbol %s", r->name, sym);
		refuse(r, err, "%s: disagrees about version of symbol %s", r->name, sym);
		return 0;
	}
	say(r, 1, "%s: no symbol version for %s", r->name, sym);
	refuse(r, err, "%s: no symbol version for %s", r->name, sym);
	return 0;
}

/*
 * find_symbol(): vmlinux first, then the modules loaded (here: the other
 * .ko files given, then in-tree modules named by Module.symvers).
 */
static int find_symbol(const struct kdir *k, const struct run *r, const char *name,
		       int gplok, struct export *found, const struct ko **from)
{
	const struct export *e = symvers_find(k, name);
	size_t i, j;

	*from = NULL;
	if (e && !strcmp(e->owner, "vmlinux") && (gplok || !e->gpl)) {
		*found = *e;
		return 1;
	}
	for (i = 0; i < k->nkos; i++) {
		const struct ko *o = k->kos[i];

		for (j = 0; o != r->ko && j < o->nexports; j++) {
			const struct ko_sym *x = &o->exports[j];

			if (strcmp(x->name, name) || (x->gpl && !gplok))
				continue;
			found->name = x->name;
			found->owner = o->name;
			found->ns = x->ns;
			found->gpl = x->gpl;
			found->crc = x->has_crc ? (uint32_t)x->crc : 0;
			*from = o;
			return 1 + !x->has_crc;
		}
	}
	if (e && (gplok || !e->gpl)) {
		*found = *e;
		return 1;
	}
	return 0;
}

/* The other .ko given that exports NAME, whatever its license or CRC. */
static const struct ko *given_exporter(const struct kdir *k, const struct run *r,
				       const char *name, const struct ko_sym **sym)
{
	size_t i, j;

	for (i = 0; i < k->nkos; i++) {
		const struct ko *o = k->kos[i];

		for (j = 0; o != r->ko && j < o->nexports; j++) {
			if (!strcmp(o->exports[j].name, name)) {
				*sym = &o->exports[j];
				return o;
			}
		}
	}
	return NULL;
}

/*
 * What modpost writes as depends= and depmod into modules.dep: the modules
 * that export the module's undefined symbols, by name alone (a GPL-only or
 * CRC mismatch still makes a dependency), so modprobe loads them first.
 * The files given first, then in-tree modules named in Module.symvers.
 */
static void find_depends(struct run *r, const struct kdir *k)
{
	size_t i, n = 0;

	for (i = 0; i < r->ko->nundefs; i++) {
		const char *sym = r->ko->undefs[i].name, *dep, *p;
		const struct export *e = symvers_find(k, sym);
		const struct ko_sym *x;
		const struct ko *o = given_exporter(k, r, sym, &x);
		size_t len;

		if (o && o->name) {
			dep = o->name;
		} else if (e && strcmp(e->owner, "vmlinux")) {
			p = strrchr(e->owner, '/');
			dep = p ? p + 1 : e->owner;
		} else {
			continue;
		}
		len = strlen(dep);
		/* Already there: as a whole word of the comma-separated list. */
		for (p = r->depends; (p = strstr(p, dep)); p += len)
			if ((p == r->depends || p[-1] == ',') && (!p[len] || p[len] == ','))
				break;
		if (p || n + len + 2 > sizeof(r->depends))
			continue;
		n += snprintf(r->depends + n, sizeof(r->depends) - n, "%s%s", n ? "," : "", dep);
	}
}

static void resolve(struct run *r, const struct kdir *k, const struct ko_sym *u, int gplok)
{
	const struct ko *from;
	const struct ko_sym *x;
	struct export e;
	const struct export *any;
	int found = find_symbol(k, r, u->name, gplok, &e, &from);
	size_t i;

	if (!found) {
		if (u->weak) {
			say(r, 0, "%s: not exported; weak, so left 0", u->name);
			return;
		}
		any = symvers_find(k, u->name);
		from = given_exporter(k, r, u->name, &x);
		if (from && x->gpl && !gplok)
			say(r, 0, "%s: exported GPL-only by %s (given); this module's license is not GPL-compatible",
			    u->name, from->name);
		else if (any && any->gpl && !gplok)
			say(r, 0, "%s: exported GPL-only by %s; this module's license is not GPL-compatible",
			    u->name, any->owner);
		else
			say(r, 0, "%s: exported by nothing in %s or the files given",
			    u->name, k->path);
		say(r, 1, "%s: Unknown symbol %s (err %d)", r->name, u->name, -ENOENT);
		refuse(r, ENOENT, "%s: Unknown symbol %s (err %d)", r->name, u->name, -ENOENT);
		return;
	}
	say(r, 0, "%s: %s%s%s, %s%s%s, CRC %s", u->name, from ? "" : "exported by ",
	    e.owner, from ? " (given)" : strcmp(e.owner, "vmlinux") ?
	    " (in-tree module, loaded first by modprobe)" : "",
	    e.gpl ? "GPL-only" : "plain", e.ns ? ", namespace " : "", e.ns ? e.ns : "",
	    found == 2 ? "none (exporter built without modversions)" :
	    !u->has_crc ? "missing from __versions" :
	    u->crc == e.crc ? "matches" : "differs");
	if (!check_version(r, k, u->name, found == 1, e.crc, EINVAL)) {
		say(r, 1, "%s: Unknown symbol %s (err %d)", r->name, u->name, -EINVAL);
		refuse(r, EINVAL, "%s: Unknown symbol %s (err %d)", r->name, u->name, -EINVAL);
		return;
	}
	if (!e.ns || !*e.ns)
		return;
	for (i = 0; i < r->ko->nimport_ns; i++)
		if (!strcmp(r->ko->import_ns[i], e.ns))
			return;
	say(r, 1, "%s: module uses symbol (%s) from namespace %s, but does not import it.",
	    r->name, u->name, e.ns);
	if (config(k, "CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS"))
		return;
	say(r, 1, "%s: Unknown symbol %s (err %d)", r->name, u->name, -EINVAL);
	refuse(r, EINVAL, "%s: module uses symbol (%s) from namespace %s, but does not import it.",
	       r->name, u->name, e.ns);
}

static int same_magic(const char *a, const char *b, int has_crcs)
{
	if (has_crcs) {
		a += strcspn(a, " ");
		b += strcspn(b, " ");
	}
	return !strcmp(a, b);
}

void kdir_set_sig_enforce(struct kdir *k)
{
	k->sig_enforce = 1;
}

/*
 * module_sig_check(), the first check of all: 1 when it refuses. Not
 * enforced, an unsigned module or one with an unknown key loads, tainted
 * 'E' (below); a signature that fails to verify is refused either way,
 * and the kernel says nothing about it.
 */
static int sig_predict(struct run *r, const struct kdir *k)
{
	const char *reason;
	char why[1024];
	int err;

	if (!config(k, "CONFIG_MODULE_SIG"))
		return 0;
	err = sig_check(r->ko, k->path, why, sizeof(why));
	say(r, 0, "signature: %s", why);
	switch (err) {
	case 0:
		r->sig_ok = 1;
		return 0;
	case -ENODATA:
		reason = "unsigned module";
		break;
	case -ENOKEY:
		reason = "module with unavailable key";
		break;
	default:
		refuse(r, -err, "(no message: mod_verify_sig() fails: %s)", strerror(-err));
		return 1;
	}
	if (!k->sig_enforce && !config(k, "CONFIG_MODULE_SIG_FORCE"))
		return 0;
	say(r, 1, "Loading of %s is rejected", reason);
	refuse(r, EKEYREJECTED, "Loading of %s is rejected", reason);
	return 1;
}

static void predict_one(struct run *r, const struct kdir *k)
{
	const struct ko *ko = r->ko;
	const struct export *layout;
	int gplok = license_is_gpl_compatible(ko->license);
	size_t i;

	if (sig_predict(r, k))
		return;
	/* check_modstruct_version(): module_layout's CRC, if the kernel has it. */
	layout = symvers_find(k, "module_layout");
	if (layout && !check_version(r, k, "module_layout", 1, layout->crc, ENOEXEC)) {
		refuse(r, ENOEXEC, "%s: disagrees about version of symbol module_layout", r->name);
		return;
	}
	say(r, 0, "module_layout: %s", !layout ? "not in Module.symvers: not checked" :
	    !config(k, "CONFIG_MODVERSIONS") ? "no MODVERSIONS: not checked" : "CRC matches");

	/* check_modinfo() */
	if (!ko->vermagic) {
		if (!force_load(r, k, "bad vermagic")) {
			refuse(r, ENOEXEC, "%s: no vermagic: refused without MODULE_FORCE_LOAD",
			       r->name);
			return;
		}
	} else if (!k->vermagic[0]) {
		say(r, 0, "vermagic: not checked (koinfo composes it for arm64 only)");
	} else if (!same_magic(ko->vermagic, k->vermagic, !!ko->versions)) {
		say(r, 1, "%s: version magic '%s' should be '%s'", r->name,
		    ko->vermagic, k->vermagic);
		refuse(r, ENOEXEC, "%s: version magic '%s' should be '%s'", r->name,
		       ko->vermagic, k->vermagic);
		return;
	}
	if (ko->vermagic && k->vermagic[0]) {
		say(r, 0, "vermagic: '%s' %s", ko->vermagic,
		    ko->versions && strcmp(ko->vermagic, k->vermagic) ?
		    "matches after the release, which is ignored since the module has CRCs" :
		    "matches");
	}
	if (!ko->intree) {
		say(r, 1, "%s: loading out-of-tree module taints kernel.", r->name);
		taint(r, 'O');
	}
	if (!gplok) {
		say(r, 1, "%s: module license '%s' taints kernel.", r->name,
		    ko->license ? ko->license : "unspecified");
		taint(r, 'P');
	}
	if (config(k, "CONFIG_MODULE_SIG") && !r->sig_ok) {
		say(r, 1, "%s: module verification failed: signature and/or required key missing - tainting kernel",
		    r->name);
		taint(r, 'E');
	}

	/* simplify_symbols(): every undefined symbol; it goes on after one fails. */
	for (i = 0; i < ko->nundefs; i++)
		resolve(r, k, &ko->undefs[i], gplok);
}

int predict(struct kdir *k, struct ko **kos, size_t n, int json, FILE *out,
	    char *first, size_t firstlen)
{
	struct json j;
	size_t i;
	int refused = 0;

	k->kos = kos;
	k->nkos = n;
	first[0] = '\0';
	json_init(&j, out);
	if (json) {
		json_open(&j, NULL, '{', JSON_LINES);
		json_open(&j, "kernel", '{', JSON_INLINE);
		json_string(&j, "kdir", k->path);
		json_string(&j, "release", k->release);
		json_string(&j, "vermagic", k->vermagic);
		json_uint(&j, "exports", k->nsyms);
		json_close(&j);
		json_open(&j, "modules", '[', JSON_LINES);
	} else {
		fputs("== kernel: ", out);
		text_str(out, k->path);
		fputs("\n  release ", out);
		text_str(out, k->release);
		fputs(" (include/generated/utsrelease.h), vermagic '", out);
		text_str(out, k->vermagic);
		fprintf(out, "', %zu exports (Module.symvers)\n", k->nsyms);
	}
	for (i = 0; i < n; i++) {
		struct run r = { .out = out, .json = json ? &j : NULL, .ko = kos[i] };

		r.name = kos[i]->name ? kos[i]->name : "?";
		if (json) {
			json_open(&j, NULL, '{', JSON_INLINE);
			json_string(&j, "file", kos[i]->path);
			json_string(&j, "module", r.name);
			json_open(&j, "log", '[', JSON_LINES);
		} else {
			fputs("\n== ", out);
			text_str(out, kos[i]->path);
			fputs(": predicted load into this kernel\n", out);
		}
		predict_one(&r, k);
		find_depends(&r, k);
		if (r.err && !first[0])
			snprintf(first, firstlen, "%s: %s", kos[i]->path, r.first);
		refused |= !!r.err;
		if (json) {
			json_close(&j);
			json_bool(&j, "loads", !r.err);
			json_int(&j, "errno", r.err);
			json_string(&j, "refusal", r.err ? r.first : NULL);
			json_string(&j, "taints", r.taints);
			json_string(&j, "depends", r.depends);
			json_close(&j);
			continue;
		}
		if (r.depends[0]) {
			fputs("  depends: ", out);
			text_str(out, r.depends);
			fputc('\n', out);
		}
		if (r.err) {
			fputs("  => refused: ", out);
			text_str(out, r.first);
			fprintf(out, " (init_module() fails: %s, %s)\n",
				r.err == ENOENT ? "ENOENT" : r.err == EINVAL ? "EINVAL" :
				r.err == EKEYREJECTED ? "EKEYREJECTED" :
				r.err == EBADMSG ? "EBADMSG" : "ENOEXEC",
				strerror(r.err));
		} else {
			fprintf(out, "  => loads%s%s%s\n", r.taints[0] ? " (taints: " : "",
				r.taints, r.taints[0] ? ")" : "");
		}
	}
	if (json) {
		json_close(&j);
		json_close(&j);
		fputc('\n', out);
	}
	return refused;
}
