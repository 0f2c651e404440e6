// SPDX-License-Identifier: GPL-2.0
/*
 * koinfo's two outputs: text for a person, in the order load_module()
 * works, and JSON for a program. Strings come from the file, which may be
 * hostile: text output replaces control characters, JSON escapes them and
 * replaces bytes that are not UTF-8.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "koinfo.h"

static const char *const groups[] = { "text", "ro", "ro_after_init", "rw" };

void text_str(FILE *out, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

/* The length of the UTF-8 sequence at S, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (*s < 0x80)
		return 1;
	if ((*s & 0xe0) == 0xc0 && *s >= 0xc2)
		n = 2;
	else if ((*s & 0xf0) == 0xe0)
		n = 3;
	else if ((*s & 0xf8) == 0xf0 && *s <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* STR as a JSON string: escaped, bytes that are not UTF-8 replaced. */
static void put_str(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	fputc('"', out);
	while (*s) {
		if (*s == '"' || *s == '\\') {
			fprintf(out, "\\%c", *s++);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(out, "\\u%04x", *s++);
		} else {
			n = utf8_len(s);
			if (n)
				fwrite(s, 1, n, out);
			else
				fputs("\\ufffd", out);
			s += n ? n : 1;
		}
	}
	fputc('"', out);
}

void json_init(struct json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

/* What comes before a value: a comma, a line break or a space, its key. */
static void member(struct json *j, const char *key)
{
	if (j->depth) {
		size_t n = j->level[j->depth - 1].members++;

		if (n)
			fputc(',', j->out);
		if (j->level[j->depth - 1].lines)
			fprintf(j->out, "\n%*s", 2 * j->lines, "");
		else if (n)
			fputc(' ', j->out);
	}
	if (key) {
		put_str(j->out, key);
		fputs(": ", j->out);
	}
}

/* KIND '{' or '['; past JSON_DEPTH levels, a bug of koinfo's: stop. */
void json_open(struct json *j, const char *key, char kind, int lines)
{
	if (j->depth == JSON_DEPTH) {
		fputs("koinfo: JSON nested too deep\n", stderr);
		exit(2);
	}
	member(j, key);
	fputc(kind, j->out);
	j->level[j->depth].close = kind == '{' ? '}' : ']';
	j->level[j->depth].lines = lines == JSON_LINES;
	j->level[j->depth].members = 0;
	j->lines += lines == JSON_LINES;
	j->depth++;
}

void json_close(struct json *j)
{
	int lines = j->level[--j->depth].lines;

	j->lines -= lines;
	if (lines && j->level[j->depth].members)
		fprintf(j->out, "\n%*s", 2 * j->lines, "");
	fputc(j->level[j->depth].close, j->out);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->out);
}

void json_string(struct json *j, const char *key, const char *s)
{
	if (!s) {
		json_null(j, key);
		return;
	}
	member(j, key);
	put_str(j->out, s);
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	member(j, key);
	fprintf(j->out, "%" PRIu64, v);
}

void json_int(struct json *j, const char *key, long long v)
{
	member(j, key);
	fprintf(j->out, "%lld", v);
}

void json_bool(struct json *j, const char *key, int v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->out);
}

/* readelf's letters for the flags a module's sections have. */
static const char *flags_str(uint64_t f, char *buf)
{
	static const struct { uint64_t bit; char c; } map[] = {
		{ SHF_WRITE, 'W' }, { SHF_ALLOC, 'A' }, { SHF_EXECINSTR, 'X' },
		{ SHF_MERGE, 'M' }, { SHF_STRINGS, 'S' }, { SHF_INFO_LINK, 'I' },
		{ SHF_LINK_ORDER, 'L' }, { SHF_OS_NONCONFORMING, 'O' },
		{ SHF_GROUP, 'G' }, { SHF_TLS, 'T' }, { SHF_COMPRESSED, 'C' },
		{ SHF_EXCLUDE, 'E' },
	};
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (f & map[i].bit)
			buf[n++] = map[i].c;
	buf[n] = '\0';
	return buf;
}

static const char *part_str(enum part p)
{
	return p == PART_CORE ? "core" : p == PART_INIT ? "init" : "-";
}

/* Spaces after a column of LEN characters to reach WIDTH: at least one. */
static size_t pad(size_t len, size_t width)
{
	return len < width ? width - len : 1;
}

static uint64_t total(const uint64_t *g)
{
	return g[0] + g[1] + g[2] + g[3];
}

static void print_func(FILE *out, const char *what, const struct ko_func *f)
{
	fprintf(out, "  %s: ", what);
	if (!f->alias) {
		fputs("none\n", out);
		return;
	}
	text_str(out, f->name);
	if (strcmp(f->name, f->alias)) {
		fputs(" (", out);
		text_str(out, f->alias);
		fputc(')', out);
	}
	fputs(" in ", out);
	text_str(out, f->section);
	fprintf(out, ", pointer at struct module + 0x%" PRIx64 "\n", f->offset);
}

void print_text(const struct ko *ko, FILE *out)
{
	char fl[16];
	size_t i;

	fputs("== ", out);
	text_str(out, ko->path);
	/* kernel/module.c was split into kernel/module/ in Linux 5.19. */
	fputs(": what load_module() will do (kernel/module/main.c; kernel/module.c before 5.19)\n",
	      out);

	fputs("\n1. ELF checks (module_sig_check, elf_validity_check): pass\n", out);
	fprintf(out, "  ELF64 little-endian, machine %u (%s), type ET_REL, %zu sections, names in [%u] %s\n",
		ko->eh.e_machine, target_of(ko->eh.e_machine) ? target_of(ko->eh.e_machine)->name : "?",
		ko->nsecs, ko->eh.e_shstrndx, ko_secname(ko, ko->eh.e_shstrndx));
	if (ko->signed_)
		fprintf(out, "  signed: %zu bytes of PKCS#7 after the ELF image (checked against the kernel's keys)\n",
			ko->size - ko->len);
	else
		fputs("  not signed (a kernel with MODULE_SIG taints it; with MODULE_SIG_FORCE refuses it)\n",
		      out);
	print_container(ko, out);

	fprintf(out, "\n2. setup_load_info: .symtab [%zu], .gnu.linkonce.this_module [%zu], __versions ",
		ko->symtab, ko->this_module);
	if (ko->versions)
		fprintf(out, "[%zu]\n", ko->versions);
	else
		fputs("none (no CRC checks; needs MODULE_FORCE_LOAD)\n", out);

	fputs("\n3. .modinfo (check_modinfo, setup_modinfo)\n", out);
	for (i = 0; i < ko->ninfo; i++) {
		if (!strcmp(ko->info_keys[i], "parm") || !strcmp(ko->info_keys[i], "parmtype"))
			continue;
		fputs("  ", out);
		text_str(out, ko->info_keys[i]);
		fprintf(out, "%*s", (int)pad(strlen(ko->info_keys[i]), 12), "");
		text_str(out, ko->info_vals[i]);
		fputc('\n', out);
	}
	fprintf(out, "  license is %sGPL-compatible%s\n",
		license_is_gpl_compatible(ko->license) ? "" : "not ",
		license_is_gpl_compatible(ko->license) ? "" : ": no GPL-only symbols, and it taints the kernel (P)");
	fprintf(out, "  parameters (parse_args): %zu\n", ko->nparams);
	for (i = 0; i < ko->nparams; i++) {
		fputs("    ", out);
		text_str(out, ko->params[i].name);
		fputs(" (", out);
		text_str(out, ko->params[i].type ? ko->params[i].type : "?");
		fputs("): ", out);
		text_str(out, ko->params[i].desc);
		fputc('\n', out);
	}

	fprintf(out, "\n4. __versions (check_modstruct_version, check_version): %zu\n", ko->nvers);
	for (i = 0; i < ko->nvers; i++) {
		fprintf(out, "  0x%08" PRIx64 "  ", ko->vers[i].crc);
		text_str(out, ko->vers[i].name);
		fputc('\n', out);
	}

	fprintf(out, "\n5. exported symbols (for modules loaded later): %zu\n", ko->nexports);
	for (i = 0; i < ko->nexports; i++) {
		const struct ko_sym *e = &ko->exports[i];

		if (e->has_crc)
			fprintf(out, "  0x%08" PRIx64 "  ", e->crc);
		else
			fputs("  (no CRC)    ", out);
		fputs(e->gpl ? "GPL    " : "plain  ", out);
		text_str(out, e->name);
		if (e->ns) {
			fputs("  namespace ", out);
			text_str(out, e->ns);
		}
		fputc('\n', out);
	}

	fprintf(out, "\n6. undefined symbols to resolve (simplify_symbols, resolve_symbol): %zu\n",
		ko->nundefs);
	for (i = 0; i < ko->nundefs; i++) {
		const struct ko_sym *u = &ko->undefs[i];

		if (u->has_crc)
			fprintf(out, "  0x%08" PRIx64 "  ", u->crc);
		else
			fputs("  (no CRC)    ", out);
		text_str(out, u->name);
		fputs(u->weak ? "  (weak: may stay unresolved)\n" : "\n", out);
	}

	fputs("\n7. sections (layout_sections): core stays, init is freed after init\n", out);
	fputs("  [Nr] name                         flags       size  part  group\n", out);
	for (i = 1; i < ko->nsecs; i++) {
		const struct ko_section *s = &ko->secs[i];

		fprintf(out, "  [%2zu] ", i);
		text_str(out, s->name ? s->name : "?");
		fprintf(out, "%*s %-5s %10" PRIu64 "  %-4s  %s\n",
			(int)pad(s->name ? strlen(s->name) : 1, 28), "",
			flags_str(s->sh.sh_flags, fl), (uint64_t)s->sh.sh_size,
			part_str(s->part), s->group ? s->group : "");
	}
	fprintf(out, "  core: %" PRIu64 " bytes (text %" PRIu64 ", ro %" PRIu64
		", ro_after_init %" PRIu64 ", rw %" PRIu64 ")\n", total(ko->size_core),
		ko->size_core[0], ko->size_core[1], ko->size_core[2], ko->size_core[3]);
	fprintf(out, "  init: %" PRIu64 " bytes (text %" PRIu64 ", ro %" PRIu64
		", rw %" PRIu64 ")\n", total(ko->size_init),
		ko->size_init[0], ko->size_init[1], ko->size_init[3]);
	fputs("  (section bytes; the kernel rounds each group up to a page and adds the symbol table)\n",
	      out);

	fprintf(out, "\n8. relocations (apply_relocations, apply_relocate_add): %zu sections\n",
		ko->nrelocs);
	for (i = 0; i < ko->nrelocs; i++) {
		const struct ko_reloc *r = &ko->relocs[i];

		fputs("  ", out);
		text_str(out, ko_secname(ko, r->index));
		fputs(" -> ", out);
		text_str(out, ko_secname(ko, r->target));
		fprintf(out, ": %zu %s", r->count, r->count == 1 ? "entry" : "entries");
		if (r->external)
			fprintf(out, ", %zu to undefined symbols", r->external);
		fputs(r->applied ? "\n" : ", skipped (target not SHF_ALLOC)\n", out);
	}

	fputs("\n9. struct module (.gnu.linkonce.this_module): do_init_module() calls init\n", out);
	print_func(out, "init", &ko->init);
	print_func(out, "exit", &ko->exit);
}

static void json_func(struct json *j, const char *key, const struct ko_func *f)
{
	if (!f->alias) {
		json_null(j, key);
		return;
	}
	json_open(j, key, '{', JSON_INLINE);
	json_string(j, "function", f->name);
	json_string(j, "symbol", f->alias);
	json_string(j, "section", f->section);
	json_uint(j, "offset", f->offset);
	json_close(j);
}

enum sym_kind { SYM_VERSION, SYM_EXPORT, SYM_UNDEFINED };

static void json_syms(struct json *j, const char *key, const struct ko_sym *s, size_t n,
		      enum sym_kind kind)
{
	char crc[32];
	size_t i;

	json_open(j, key, '[', JSON_LINES);
	for (i = 0; i < n; i++) {
		json_open(j, NULL, '{', JSON_INLINE);
		json_string(j, "symbol", s[i].name);
		snprintf(crc, sizeof(crc), "0x%08" PRIx64, s[i].crc);
		json_string(j, "crc", s[i].has_crc ? crc : NULL);
		if (kind == SYM_EXPORT) {
			json_bool(j, "gpl_only", s[i].gpl);
			json_string(j, "namespace", s[i].ns);
		} else if (kind == SYM_UNDEFINED) {
			json_bool(j, "weak", s[i].weak);
		}
		json_close(j);
	}
	json_close(j);
}

static void json_sizes(struct json *j, const char *key, const uint64_t *g)
{
	size_t i;

	json_open(j, key, '{', JSON_INLINE);
	for (i = 0; i < 4; i++)
		json_uint(j, groups[i], g[i]);
	json_uint(j, "total", total(g));
	json_close(j);
}

void print_json(const struct ko *ko, struct json *j)
{
	char fl[16];
	size_t i;

	json_open(j, NULL, '{', JSON_LINES);
	json_string(j, "file", ko->path);
	json_open(j, "elf", '{', JSON_INLINE);
	json_uint(j, "class", 64);
	json_uint(j, "machine", ko->eh.e_machine);
	json_string(j, "type", "REL");
	json_uint(j, "sections", ko->nsecs);
	json_bool(j, "signed", ko->signed_);
	json_close(j);
	print_container_json(ko, j);
	json_string(j, "name", ko->name);
	json_string(j, "license", ko->license);
	json_bool(j, "gpl_compatible", license_is_gpl_compatible(ko->license));
	json_string(j, "vermagic", ko->vermagic);
	json_string(j, "depends", ko->depends);
	json_open(j, "modinfo", '[', JSON_INLINE);
	for (i = 0; i < ko->ninfo; i++) {
		json_open(j, NULL, '[', JSON_INLINE);
		json_string(j, NULL, ko->info_keys[i]);
		json_string(j, NULL, ko->info_vals[i]);
		json_close(j);
	}
	json_close(j);
	json_open(j, "import_ns", '[', JSON_INLINE);
	for (i = 0; i < ko->nimport_ns; i++)
		json_string(j, NULL, ko->import_ns[i]);
	json_close(j);
	json_open(j, "parameters", '[', JSON_INLINE);
	for (i = 0; i < ko->nparams; i++) {
		json_open(j, NULL, '{', JSON_INLINE);
		json_string(j, "name", ko->params[i].name);
		json_string(j, "type", ko->params[i].type);
		json_string(j, "description", ko->params[i].desc);
		json_close(j);
	}
	json_close(j);
	json_syms(j, "versions", ko->vers, ko->nvers, SYM_VERSION);
	json_syms(j, "exports", ko->exports, ko->nexports, SYM_EXPORT);
	json_syms(j, "undefined", ko->undefs, ko->nundefs, SYM_UNDEFINED);
	json_open(j, "sections", '[', JSON_LINES);
	for (i = 1; i < ko->nsecs; i++) {
		const struct ko_section *s = &ko->secs[i];

		json_open(j, NULL, '{', JSON_INLINE);
		json_uint(j, "index", i);
		json_string(j, "name", s->name ? s->name : "?");
		json_uint(j, "type", s->sh.sh_type);
		json_string(j, "flags", flags_str(s->sh.sh_flags, fl));
		json_uint(j, "size", s->sh.sh_size);
		json_uint(j, "align", s->sh.sh_addralign);
		json_string(j, "part", s->part == PART_NONE ? "none" : part_str(s->part));
		json_string(j, "group", s->group);
		json_close(j);
	}
	json_close(j);
	json_open(j, "layout", '{', JSON_INLINE);
	json_sizes(j, "core", ko->size_core);
	json_sizes(j, "init", ko->size_init);
	json_close(j);
	json_open(j, "relocations", '[', JSON_LINES);
	for (i = 0; i < ko->nrelocs; i++) {
		const struct ko_reloc *r = &ko->relocs[i];

		json_open(j, NULL, '{', JSON_INLINE);
		json_string(j, "section", ko_secname(ko, r->index));
		json_string(j, "target", ko_secname(ko, r->target));
		json_uint(j, "entries", r->count);
		json_uint(j, "external", r->external);
		json_bool(j, "applied", r->applied);
		json_close(j);
	}
	json_close(j);
	json_func(j, "init", &ko->init);
	json_func(j, "exit", &ko->exit);
	json_close(j);
}
