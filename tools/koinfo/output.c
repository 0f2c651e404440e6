// SPDX-License-Identifier: GPL-2.0
/*
 * koinfo's two outputs: text for a person, in the order load_module()
 * works, and JSON for a program. Strings come from the file, which may be
 * hostile: text output replaces control characters, JSON escapes them and
 * replaces bytes that are not UTF-8.
 */
#include <inttypes.h>
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

void json_str(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
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
	fputs(": what load_module() will do (Linux 6.1 kernel/module/main.c)\n", out);

	fputs("\n1. ELF checks (module_sig_check, elf_validity_check): pass\n", out);
	fprintf(out, "  ELF64 little-endian, machine %u (%s), type ET_REL, %zu sections, names in [%u] %s\n",
		ko->eh.e_machine, ko->eh.e_machine == EM_AARCH64 ? "AArch64" :
		ko->eh.e_machine == EM_X86_64 ? "x86-64" :
		ko->eh.e_machine == EM_RISCV ? "RISC-V" : "?",
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

static void json_func(FILE *out, const char *key, const struct ko_func *f)
{
	fprintf(out, ",\n  ");
	json_str(out, key);
	if (!f->alias) {
		fputs(": null", out);
		return;
	}
	fputs(": {\"function\": ", out);
	json_str(out, f->name);
	fputs(", \"symbol\": ", out);
	json_str(out, f->alias);
	fputs(", \"section\": ", out);
	json_str(out, f->section);
	fprintf(out, ", \"offset\": %" PRIu64 "}", f->offset);
}

static void json_syms(FILE *out, const char *key, const struct ko_sym *s, size_t n, int kind)
{
	size_t i;

	fprintf(out, ",\n  \"%s\": [", key);
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n    {\"symbol\": " : "\n    {\"symbol\": ", out);
		json_str(out, s[i].name);
		if (s[i].has_crc)
			fprintf(out, ", \"crc\": \"0x%08" PRIx64 "\"", s[i].crc);
		else
			fputs(", \"crc\": null", out);
		if (kind == 1) {
			fprintf(out, ", \"gpl_only\": %s, \"namespace\": ", s[i].gpl ? "true" : "false");
			if (s[i].ns)
				json_str(out, s[i].ns);
			else
				fputs("null", out);
		} else if (kind == 2) {
			fprintf(out, ", \"weak\": %s", s[i].weak ? "true" : "false");
		}
		fputc('}', out);
	}
	fputs(n ? "\n  ]" : "]", out);
}

static void json_sizes(FILE *out, const uint64_t *g)
{
	size_t i;

	fputc('{', out);
	for (i = 0; i < 4; i++)
		fprintf(out, "\"%s\": %" PRIu64 ", ", groups[i], g[i]);
	fprintf(out, "\"total\": %" PRIu64 "}", total(g));
}

void print_json(const struct ko *ko, FILE *out)
{
	char fl[16];
	size_t i;

	fputs("{\n  \"file\": ", out);
	json_str(out, ko->path);
	fprintf(out, ",\n  \"elf\": {\"class\": 64, \"machine\": %u, \"type\": \"REL\", \"sections\": %zu, \"signed\": %s}",
		ko->eh.e_machine, ko->nsecs, ko->signed_ ? "true" : "false");
	print_container_json(ko, out);
	fputs(",\n  \"name\": ", out);
	json_str(out, ko->name);
	fputs(",\n  \"license\": ", out);
	json_str(out, ko->license);
	fprintf(out, ",\n  \"gpl_compatible\": %s",
		license_is_gpl_compatible(ko->license) ? "true" : "false");
	fputs(",\n  \"vermagic\": ", out);
	json_str(out, ko->vermagic);
	fputs(",\n  \"depends\": ", out);
	json_str(out, ko->depends);
	fputs(",\n  \"modinfo\": [", out);
	for (i = 0; i < ko->ninfo; i++) {
		fputs(i ? ", [" : "[", out);
		json_str(out, ko->info_keys[i]);
		fputs(", ", out);
		json_str(out, ko->info_vals[i]);
		fputc(']', out);
	}
	fputs("],\n  \"import_ns\": [", out);
	for (i = 0; i < ko->nimport_ns; i++) {
		if (i)
			fputs(", ", out);
		json_str(out, ko->import_ns[i]);
	}
	fputs("],\n  \"parameters\": [", out);
	for (i = 0; i < ko->nparams; i++) {
		fputs(i ? ", {\"name\": " : "{\"name\": ", out);
		json_str(out, ko->params[i].name);
		fputs(", \"type\": ", out);
		json_str(out, ko->params[i].type);
		fputs(", \"description\": ", out);
		json_str(out, ko->params[i].desc);
		fputc('}', out);
	}
	fputc(']', out);
	json_syms(out, "versions", ko->vers, ko->nvers, 0);
	json_syms(out, "exports", ko->exports, ko->nexports, 1);
	json_syms(out, "undefined", ko->undefs, ko->nundefs, 2);
	fputs(",\n  \"sections\": [", out);
	for (i = 1; i < ko->nsecs; i++) {
		const struct ko_section *s = &ko->secs[i];

		fprintf(out, "%s\n    {\"index\": %zu, \"name\": ", i > 1 ? "," : "", i);
		json_str(out, s->name ? s->name : "?");
		fprintf(out, ", \"type\": %u, \"flags\": \"%s\", \"size\": %" PRIu64
			", \"align\": %" PRIu64 ", \"part\": \"%s\", \"group\": ",
			s->sh.sh_type, flags_str(s->sh.sh_flags, fl), (uint64_t)s->sh.sh_size,
			(uint64_t)s->sh.sh_addralign,
			s->part == PART_CORE ? "core" : s->part == PART_INIT ? "init" : "none");
		json_str(out, s->group);
		fputc('}', out);
	}
	fputs("\n  ],\n  \"layout\": {\"core\": ", out);
	json_sizes(out, ko->size_core);
	fputs(", \"init\": ", out);
	json_sizes(out, ko->size_init);
	fputs("},\n  \"relocations\": [", out);
	for (i = 0; i < ko->nrelocs; i++) {
		const struct ko_reloc *r = &ko->relocs[i];

		fputs(i ? ",\n    {\"section\": " : "\n    {\"section\": ", out);
		json_str(out, ko_secname(ko, r->index));
		fputs(", \"target\": ", out);
		json_str(out, ko_secname(ko, r->target));
		fprintf(out, ", \"entries\": %zu, \"external\": %zu, \"applied\": %s}",
			r->count, r->external, r->applied ? "true" : "false");
	}
	fputs(ko->nrelocs ? "\n  ]" : "]", out);
	json_func(out, "init", &ko->init);
	json_func(out, "exit", &ko->exit);
	fputs("\n}", out);
}
