// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF side of koinfo, through libelf: the checks load_module() makes
 * before it trusts a byte of the file, the sections and where the loader
 * puts each, the relocation sections, the init and exit functions that
 * struct module (.gnu.linkonce.this_module) points at, and the kind of
 * each export. Every rule is the kernel's, Linux 6.1, kernel/module/main.c
 * unless said otherwise; a rule's function is named where it is used.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <libkmod.h>

#include "koinfo.h"

/* include/linux/module_signature.h */
#define MODULE_SIG_STRING "~Module signature appended~\n"
#define PKEY_ID_PKCS7 2
#define MODULE_SIG_INFO 12	/* struct module_signature */

/* include/linux/moduleloader.h: set by the loader, not by the linker. */
#define SHF_RO_AFTER_INIT 0x00200000

/* A .ko larger than this is not a module anyone builds. */
#define KO_MAX_SIZE (256UL << 20)

static int vfail(struct ko *ko, int unknown, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static int vfail(struct ko *ko, int unknown, const char *fmt, va_list ap)
{
	vsnprintf(ko->err, sizeof(ko->err), fmt, ap);
	ko->unknown = unknown;
	return -1;
}

/* The loader refuses the file: why, in the kernel's words where it has some. */
int ko_fail(struct ko *ko, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(ko, 0, fmt, ap);
	va_end(ap);
	return ret;
}

/* koinfo could not find out (a library's error): no refusal, and why. */
int ko_unknown(struct ko *ko, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(ko, 1, fmt, ap);
	va_end(ap);
	return ret;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fputs("koinfo: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

/* Room for one more of N elements in P (capacity *CAP). */
void *xgrow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 8;
	p = reallocarray(p, *cap, size);
	if (!p) {
		fputs("koinfo: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fputs("koinfo: out of memory\n", stderr);
		exit(2);
	}
	return d;
}

const char *ko_secname(const struct ko *ko, size_t i)
{
	if (i >= ko->nsecs || !ko->secs[i].name)
		return "?";
	return ko->secs[i].name;
}

/*
 * license_is_gpl_compatible(), include/linux/license.h (Linux 6.1).
 */
int license_is_gpl_compatible(const char *license)
{
	static const char *const ok[] = {
		"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL",
		"Dual MIT/GPL", "Dual MPL/GPL",
	};
	size_t i;

	for (i = 0; license && i < ARRAY_SIZE(ok); i++)
		if (!strcmp(license, ok[i]))
			return 1;
	return 0;
}

static int read_file(struct ko *ko)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(ko->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ko_fail(ko, "%s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ko_fail(ko, "not a regular file");
	}
	if ((unsigned long long)st.st_size > KO_MAX_SIZE) {
		close(fd);
		return ko_fail(ko, "larger than %lu MiB: not a module", KO_MAX_SIZE >> 20);
	}
	ko->size = st.st_size;
	ko->data = xcalloc(1, ko->size + 1);
	while (got < ko->size) {
		n = read(fd, ko->data + got, ko->size - got);
		if (n <= 0) {
			close(fd);
			return ko_fail(ko, "read: %s", n ? strerror(errno) : "short file");
		}
		got += n;
	}
	close(fd);
	return 0;
}

/*
 * kernel/module/signing.c module_sig_check() and kernel/module_signature.c
 * mod_check_sig(): a signature is appended after the ELF image, then a
 * struct module_signature, then the marker. The loader checks the rest of
 * the file without them, so do we.
 */
static int strip_signature(struct ko *ko)
{
	const size_t mlen = sizeof(MODULE_SIG_STRING) - 1;
	const unsigned char *ms;
	uint32_t sig_len;
	size_t len = ko->size;

	ko->len = len;
	if (len <= mlen || memcmp(ko->data + len - mlen, MODULE_SIG_STRING, mlen))
		return 0;
	len -= mlen;
	if (len <= MODULE_SIG_INFO)
		return ko_fail(ko, "truncated module signature (kernel: -EBADMSG)");
	ms = (const unsigned char *)ko->data + len - MODULE_SIG_INFO;
	sig_len = (uint32_t)ms[8] << 24 | ms[9] << 16 | ms[10] << 8 | ms[11];
	if (sig_len >= len - MODULE_SIG_INFO)
		return ko_fail(ko, "module signature longer than the file (kernel: -EBADMSG)");
	if (ms[2] != PKEY_ID_PKCS7)
		return ko_fail(ko, "not signed with expected PKCS#7 message");
	if (ms[0] || ms[1] || ms[3] || ms[4] || ms[5] || ms[6] || ms[7])
		return ko_fail(ko, "PKCS#7 signature info has unexpected non-zero params");
	ko->len = len - MODULE_SIG_INFO - sig_len;
	ko->signed_ = 1;
	return 0;
}

/*
 * The machines koinfo knows. The first is the one the suite builds for, and
 * the one a file is checked against without --against (which takes KDIR's).
 */
const struct target targets[] = {
	{ EM_AARCH64, "aarch64", "AArch64", "CONFIG_ARM64" },
	{ EM_X86_64, "x86_64", "x86-64", "CONFIG_X86_64" },
	{ EM_RISCV, "riscv", "RISC-V", "CONFIG_RISCV" },
};
const size_t ntargets = ARRAY_SIZE(targets);

/* The machine of e_machine MACHINE, or NULL for one koinfo does not know. */
const struct target *target_of(int machine)
{
	size_t i;

	for (i = 0; i < ntargets; i++)
		if (targets[i].machine == machine)
			return &targets[i];
	return NULL;
}

/*
 * elf_validity_check(): the same checks in the same order, each failure
 * with the kernel's own message. Then what libelf needs for the rest.
 */
static int validity_check(struct ko *ko, const struct target *t)
{
	const unsigned char *id = (const unsigned char *)ko->data;
	GElf_Ehdr *eh = &ko->eh;
	GElf_Shdr str, sh;
	size_t i;

	if (ko->len < sizeof(Elf64_Ehdr))
		return ko_fail(ko, "Invalid ELF header len %zu", ko->len);
	if (memcmp(id, ELFMAG, SELFMAG))
		return ko_fail(ko, "Invalid ELF header magic: != \\177ELF (not an ELF file)");
	/* The kernel reads an Elf64_Ehdr in its own byte order. */
	if (id[EI_CLASS] != ELFCLASS64 || id[EI_DATA] != ELFDATA2LSB)
		return ko_fail(ko, "not a 64-bit little-endian ELF file (class %u, data %u): not a module for %s",
			       id[EI_CLASS], id[EI_DATA], t->arch);
	ko->elf = elf_memory(ko->data, ko->len);
	if (!ko->elf || elf_kind(ko->elf) != ELF_K_ELF || !gelf_getehdr(ko->elf, eh))
		return ko_unknown(ko, "libelf: %s", elf_errmsg(-1));
	if (eh->e_type != ET_REL)
		return ko_fail(ko, "Invalid ELF header type: %u != %u (not a relocatable object)",
			       eh->e_type, ET_REL);
	if (eh->e_machine != t->machine)
		return ko_fail(ko, "Invalid architecture in ELF header: %u (a module for %s has %u)",
			       eh->e_machine, t->arch, t->machine);
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return ko_fail(ko, "Invalid ELF section header size");
	if (eh->e_shoff >= ko->len ||
	    eh->e_shnum * sizeof(Elf64_Shdr) > ko->len - eh->e_shoff)
		return ko_fail(ko, "Invalid ELF section header overflow");
	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum)
		return ko_fail(ko, "Invalid ELF section name index: %d || e_shstrndx (%d) >= e_shnum (%d)",
			       eh->e_shstrndx, eh->e_shstrndx, eh->e_shnum);
	if (!gelf_getshdr(elf_getscn(ko->elf, eh->e_shstrndx), &str))
		return ko_unknown(ko, "libelf: %s", elf_errmsg(-1));
	if (str.sh_offset + str.sh_size < str.sh_offset ||
	    str.sh_offset + str.sh_size > ko->len)
		return ko_fail(ko, "Invalid ELF section hdr(type %u)", str.sh_type);
	if (str.sh_size == 0)
		return ko_fail(ko, "empty section name table");
	if (ko->data[str.sh_offset + str.sh_size - 1] != '\0')
		return ko_fail(ko, "ELF Spec violation: section name table isn't null terminated");
	if (!gelf_getshdr(elf_getscn(ko->elf, 0), &sh))
		return ko_unknown(ko, "libelf: %s", elf_errmsg(-1));
	if (sh.sh_type != SHT_NULL || sh.sh_size || sh.sh_addr)
		return ko_fail(ko, "ELF Spec violation: section 0 type(%d)!=SH_NULL or non-zero len or addr",
			       sh.sh_type);

	ko->nsecs = eh->e_shnum;
	ko->secs = xcalloc(ko->nsecs, sizeof(*ko->secs));
	for (i = 1; i < ko->nsecs; i++) {
		struct ko_section *s = &ko->secs[i];

		if (!gelf_getshdr(elf_getscn(ko->elf, i), &s->sh))
			return ko_unknown(ko, "libelf: section %zu: %s", i, elf_errmsg(-1));
		sh = s->sh;
		switch (sh.sh_type) {
		case SHT_NULL:
		case SHT_NOBITS:
			break;
		case SHT_SYMTAB:
			if (sh.sh_link == SHN_UNDEF || sh.sh_link >= eh->e_shnum)
				return ko_fail(ko, "Invalid ELF sh_link!=SHN_UNDEF(%d) or (sh_link(%d) >= hdr->e_shnum(%d)",
					       sh.sh_link, sh.sh_link, eh->e_shnum);
			__attribute__((__fallthrough__));
		default:
			if (sh.sh_offset + sh.sh_size < sh.sh_offset ||
			    sh.sh_offset + sh.sh_size > ko->len)
				return ko_fail(ko, "Invalid ELF section in module (section %zu type %u)",
					       i, sh.sh_type);
			if ((sh.sh_flags & SHF_ALLOC) && sh.sh_name >= str.sh_size)
				return ko_fail(ko, "Invalid ELF section name in module (section %zu type %u)",
					       i, sh.sh_type);
			break;
		}
		/* Inside the table, which ends in a NUL: checked above. */
		if (sh.sh_name < str.sh_size)
			s->name = ko->data + str.sh_offset + sh.sh_name;
	}
	return 0;
}

static size_t find_sec(const struct ko *ko, const char *name)
{
	size_t i;

	for (i = 1; i < ko->nsecs; i++)
		if (ko->secs[i].name && !strcmp(ko->secs[i].name, name))
			return i;
	return 0;
}

/* setup_load_info(): a symbol table and a struct module, or no module. */
static int setup_load_info(struct ko *ko)
{
	size_t i;

	for (i = 1; i < ko->nsecs && !ko->symtab; i++)
		if (ko->secs[i].sh.sh_type == SHT_SYMTAB)
			ko->symtab = i;
	if (!ko->symtab)
		return ko_fail(ko, "module has no symbols (stripped?)");
	if (ko->secs[ko->symtab].sh.sh_entsize != sizeof(Elf64_Sym))
		return ko_fail(ko, "symbol table entries are %ju bytes, not %zu",
			       (uintmax_t)ko->secs[ko->symtab].sh.sh_entsize, sizeof(Elf64_Sym));
	ko->this_module = find_sec(ko, ".gnu.linkonce.this_module");
	if (!ko->this_module)
		return ko_fail(ko, "No module found in object");
	ko->versions = find_sec(ko, "__versions");
	return 0;
}

static int init_section(const struct ko *ko, const char *name)
{
	/*
	 * module_init_layout_section(): .init*, and .exit* when the kernel
	 * cannot unload modules anyway (!CONFIG_MODULE_UNLOAD).
	 */
	if (!ko->mod_unload && !strncmp(name, ".exit", 5))
		return 1;
	return !strncmp(name, ".init", 5);
}

/*
 * layout_sections() in layout_and_allocate(), after the flags the loader
 * changes first: rewrite_section_headers() drops SHF_ALLOC from .modinfo
 * and __versions (read, not kept); the per-CPU section (.data..percpu) is
 * allocated apart; .data..ro_after_init and __jump_table get
 * SHF_RO_AFTER_INIT. Then five passes, each taking the SHF_ALLOC sections
 * whose flags match and that no earlier pass took; ARCH_SHF_SMALL is 0 on
 * arm64. Sizes add up as module_get_offset() does: each section aligned
 * to its sh_addralign. The kernel then rounds each group up to a page
 * (strict_align(), CONFIG_STRICT_MODULE_RWX) and adds a copy of the
 * symbol table (layout_symtab()); arm64's module_frob_arch_sections()
 * sizes .plt, .init.plt and .text.ftrace_trampoline itself.
 */
static void layout_sections(struct ko *ko)
{
	static const struct {
		uint64_t want, not;
		const char *group;
	} masks[] = {
		{ SHF_EXECINSTR | SHF_ALLOC, 0, "text" },
		{ SHF_ALLOC, SHF_WRITE, "ro" },
		{ SHF_RO_AFTER_INIT | SHF_ALLOC, 0, "ro_after_init" },
		{ SHF_WRITE | SHF_ALLOC, 0, "rw" },
	};
	size_t i, m, pcpu = find_sec(ko, ".data..percpu");
	uint64_t *size, align, flags;

	for (i = 1; i < ko->nsecs; i++) {
		struct ko_section *s = &ko->secs[i];

		s->part = PART_NONE;
		if (!(s->sh.sh_flags & SHF_ALLOC))
			s->group = "not loaded: no SHF_ALLOC";
		else if (!s->name)
			s->group = "not loaded: unnamed";
		else if (!strcmp(s->name, ".modinfo") || i == ko->versions)
			s->group = "read, not kept";
		else if (i == pcpu)
			s->group = "per-CPU area";
	}
	for (m = 0; m < ARRAY_SIZE(masks); m++) {
		for (i = 1; i < ko->nsecs; i++) {
			struct ko_section *s = &ko->secs[i];

			flags = s->sh.sh_flags;
			if (s->name && (!strcmp(s->name, ".data..ro_after_init") ||
					!strcmp(s->name, "__jump_table")))
				flags |= SHF_RO_AFTER_INIT;
			if ((flags & masks[m].want) != masks[m].want ||
			    (flags & masks[m].not) || s->part != PART_NONE ||
			    s->group)
				continue;
			s->part = init_section(ko, s->name) ? PART_INIT : PART_CORE;
			s->group = masks[m].group;
			size = s->part == PART_INIT ? &ko->size_init[m] : &ko->size_core[m];
			align = s->sh.sh_addralign ? s->sh.sh_addralign : 1;
			/* not a power of two: the kernel's ALIGN() is wrong too */
			if (align & (align - 1) || align > 1UL << 30)
				align = 1;
			*size = (*size + align - 1) & ~(align - 1);
			/* SHT_NOBITS (.bss) takes memory too: sh_size counts. */
			*size += s->sh.sh_size > 1UL << 40 ? 1UL << 40 : s->sh.sh_size;
		}
	}
}

/* apply_relocations(): each SHT_REL(A) section whose target is SHF_ALLOC. */
static int read_relocs(struct ko *ko)
{
	size_t i, j, cap = 0;
	Elf_Data *d;

	for (i = 1; i < ko->nsecs; i++) {
		const GElf_Shdr *sh = &ko->secs[i].sh;
		struct ko_reloc *r;
		size_t entsize;

		if (sh->sh_type != SHT_RELA && sh->sh_type != SHT_REL)
			continue;
		ko->relocs = xgrow(ko->relocs, &cap, ko->nrelocs, sizeof(*r));
		r = &ko->relocs[ko->nrelocs++];
		memset(r, 0, sizeof(*r));
		r->index = i;
		r->target = sh->sh_info;
		r->applied = r->target < ko->nsecs && r->target &&
			     (ko->secs[r->target].sh.sh_flags & SHF_ALLOC);
		entsize = sh->sh_type == SHT_RELA ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel);
		r->count = sh->sh_size / entsize;
		if (sh->sh_link != ko->symtab)
			continue;
		d = elf_getdata(elf_getscn(ko->elf, i), NULL);
		if (!d)
			return ko_unknown(ko, "libelf: relocation section %zu: %s", i,
					  elf_errmsg(-1));
		for (j = 0; j < r->count; j++) {
			GElf_Rela ra;
			GElf_Rel rl;
			GElf_Sym sym;
			uint64_t info;

			if (sh->sh_type == SHT_RELA) {
				if (!gelf_getrela(d, j, &ra))
					break;
				info = ra.r_info;
			} else {
				if (!gelf_getrel(d, j, &rl))
					break;
				info = rl.r_info;
			}
			if (gelf_getsym(elf_getdata(elf_getscn(ko->elf, ko->symtab), NULL),
					GELF_R_SYM(info), &sym) &&
			    sym.st_shndx == SHN_UNDEF && GELF_R_SYM(info))
				r->external++;
		}
	}
	return 0;
}

/* A symbol's name, or NULL when its st_name leads nowhere. */
static const char *symname(const struct ko *ko, const GElf_Sym *sym)
{
	return elf_strptr(ko->elf, ko->secs[ko->symtab].sh.sh_link, sym->st_name);
}

/*
 * The function behind init_module or cleanup_module: module_init() makes
 * init_module an alias of the module's own function, so look for another
 * function at the same place.
 */
static void name_func(struct ko *ko, struct ko_func *f, const GElf_Sym *target,
		      const char *alias, uint64_t offset)
{
	Elf_Data *d = elf_getdata(elf_getscn(ko->elf, ko->symtab), NULL);
	GElf_Sym sym;
	const char *n;
	size_t i;

	f->alias = xstrdup(alias);
	f->offset = offset;
	f->section = target->st_shndx < ko->nsecs ? ko_secname(ko, target->st_shndx) : "?";
	for (i = 1; d && gelf_getsym(d, i, &sym); i++) {
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx != target->st_shndx ||
		    sym.st_value != target->st_value)
			continue;
		n = symname(ko, &sym);
		if (n && strcmp(n, alias)) {
			f->name = xstrdup(n);
			return;
		}
	}
	f->name = xstrdup(alias);
}

/*
 * The module's init and exit: the *.mod.c that modpost writes sets
 * .init = init_module and .exit = cleanup_module in __this_module; the two
 * pointers are filled by relocations against .gnu.linkonce.this_module.
 * init comes before exit in struct module, which settles it when the
 * symbols have other names.
 */
static int read_init_exit(struct ko *ko)
{
	Elf_Data *d, *syms = elf_getdata(elf_getscn(ko->elf, ko->symtab), NULL);
	size_t i, j;

	for (i = 0; i < ko->nrelocs; i++) {
		const struct ko_reloc *r = &ko->relocs[i];

		if (r->target != ko->this_module ||
		    ko->secs[r->index].sh.sh_type != SHT_RELA ||
		    ko->secs[r->index].sh.sh_link != ko->symtab)
			continue;
		d = elf_getdata(elf_getscn(ko->elf, r->index), NULL);
		for (j = 0; d && j < r->count && j < 16; j++) {
			GElf_Rela ra;
			GElf_Sym sym;
			const char *n;
			struct ko_func *f;

			if (!gelf_getrela(d, j, &ra) || !syms ||
			    !gelf_getsym(syms, GELF_R_SYM(ra.r_info), &sym))
				continue;
			n = symname(ko, &sym);
			if (!n)
				continue;
			if (!strcmp(n, "init_module"))
				f = &ko->init;
			else if (!strcmp(n, "cleanup_module"))
				f = &ko->exit;
			else
				f = ko->init.alias ? &ko->exit : &ko->init;
			if (f->alias)
				continue;
			name_func(ko, f, &sym, n, ra.r_offset);
		}
	}
	if (ko->init.alias && ko->exit.alias && ko->init.offset > ko->exit.offset &&
	    strcmp(ko->init.alias, "init_module")) {
		struct ko_func t = ko->init;

		ko->init = ko->exit;
		ko->exit = t;
	}
	return 0;
}

/*
 * __ksymtab_NAME sits in __ksymtab or __ksymtab_gpl; __kstrtabns_NAME in
 * __ksymtab_strings holds the namespace (include/linux/export.h, 5.4+);
 * __crc_NAME exists when the exporter was built with CONFIG_MODVERSIONS.
 * Newer kernels (the edge kernel, 7.x: commit 55fcb92 "module: use
 * kflagstab instead of *_gpl sections") put every export in __ksymtab and
 * say GPL-only in the byte __flags_NAME of __kflagstab (KSYM_FLAG_GPL_ONLY,
 * include/linux/module_symbol.h).
 */
static void export_kind(struct ko *ko, struct ko_sym *e)
{
	Elf_Data *d = elf_getdata(elf_getscn(ko->elf, ko->symtab), NULL);
	size_t i;
	GElf_Sym sym;
	const char *n, *sec;

	for (i = 1; d && gelf_getsym(d, i, &sym); i++) {
		n = symname(ko, &sym);
		if (!n || sym.st_shndx == SHN_UNDEF)
			continue;
		/*
		 * Up to 5.18 genksyms' linker script defines __crc_NAME as an
		 * absolute symbol (SHN_ABS, the CRC its value); since 5.19 it
		 * sits in ___kcrctab+NAME. libkmod reads the value either way.
		 */
		if (!strncmp(n, "__crc_", 6) && !strcmp(n + 6, e->name)) {
			e->has_crc = 1;
			continue;
		}
		if (sym.st_shndx >= ko->nsecs)
			continue;
		sec = ko_secname(ko, sym.st_shndx);
		if (!strncmp(n, "__ksymtab_", 10) && !strcmp(n + 10, e->name)) {
			e->gpl |= !strncmp(sec, "__ksymtab_gpl", 13);
		} else if (!strncmp(n, "__flags_", 8) && !strcmp(n + 8, e->name) &&
			   !strcmp(sec, "__kflagstab")) {
			const GElf_Shdr *sh = &ko->secs[sym.st_shndx].sh;

			if (sh->sh_type == SHT_PROGBITS && sym.st_value < sh->sh_size &&
			    sh->sh_offset + sym.st_value < ko->len)
				e->gpl |= ko->data[sh->sh_offset + sym.st_value] & 1;
		} else if (!strncmp(n, "__kstrtabns_", 12) && !strcmp(n + 12, e->name)) {
			const GElf_Shdr *sh = &ko->secs[sym.st_shndx].sh;
			const char *s, *end;

			if (sh->sh_type != SHT_PROGBITS || sym.st_value >= sh->sh_size)
				continue;
			s = ko->data + sh->sh_offset + sym.st_value;
			end = memchr(s, '\0', sh->sh_size - sym.st_value);
			if (end && end > s && !e->ns)
				e->ns = xstrdup(s);
		}
	}
}

int ko_open(struct ko *ko, const char *path, const struct target *t)
{
	memset(ko, 0, sizeof(*ko));
	ko->path = path;
	/* Not read, or not decompressed: nothing to tell of it. */
	if (read_file(ko) || ko_decompress(ko)) {
		ko->unknown = 1;
		return -1;
	}
	if (strip_signature(ko) || validity_check(ko, t) || setup_load_info(ko))
		return -1;
	return 0;
}

/*
 * simplify_symbols() resolves the SHN_UNDEF entries of .symtab, nothing
 * else: libkmod's dependency list also names module_layout, which the
 * loader checks apart (check_modstruct_version()). Keep the symtab's.
 */
static void keep_undefined(struct ko *ko)
{
	Elf_Data *d = elf_getdata(elf_getscn(ko->elf, ko->symtab), NULL);
	size_t i, j, n = 0;
	GElf_Sym sym;
	const char *name;

	for (i = 0; i < ko->nundefs; i++) {
		int found = 0;

		for (j = 1; d && !found && gelf_getsym(d, j, &sym); j++)
			found = sym.st_shndx == SHN_UNDEF && (name = symname(ko, &sym)) &&
				!strcmp(name, ko->undefs[i].name);
		if (found) {
			ko->undefs[n++] = ko->undefs[i];
		} else {
			free(ko->undefs[i].name);
			free(ko->undefs[i].ns);
		}
	}
	ko->nundefs = n;
}

/* After ko_read_modinfo(): the layout depends on vermagic's mod_unload. */
int ko_read_elf(struct ko *ko)
{
	size_t i;

	keep_undefined(ko);
	layout_sections(ko);
	if (read_relocs(ko) || read_init_exit(ko))
		return -1;
	for (i = 0; i < ko->nexports; i++)
		export_kind(ko, &ko->exports[i]);
	return 0;
}

static void free_syms(struct ko_sym *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(s[i].name);
		free(s[i].ns);
	}
	free(s);
}

void ko_close(struct ko *ko)
{
	size_t i;

	if (ko->memfd > 0)
		close(ko->memfd);

	free_syms(ko->vers, ko->nvers);
	free_syms(ko->exports, ko->nexports);
	free_syms(ko->undefs, ko->nundefs);
	for (i = 0; i < ko->nparams; i++) {
		free(ko->params[i].name);
		free(ko->params[i].type);
		free(ko->params[i].desc);
	}
	free(ko->params);
	for (i = 0; i < ko->ninfo; i++) {
		free(ko->info_keys[i]);
		free(ko->info_vals[i]);
	}
	free(ko->info_keys);
	free(ko->info_vals);
	for (i = 0; i < ko->nimport_ns; i++)
		free(ko->import_ns[i]);
	free(ko->import_ns);
	free(ko->name);
	free(ko->license);
	free(ko->vermagic);
	free(ko->depends);
	free(ko->version);
	free(ko->srcversion);
	free(ko->init.name);
	free(ko->init.alias);
	free(ko->exit.name);
	free(ko->exit.alias);
	free(ko->relocs);
	free(ko->secs);
	if (ko->mod)
		kmod_module_unref(ko->mod);
	if (ko->ctx)
		kmod_unref(ko->ctx);
	if (ko->elf)
		elf_end(ko->elf);
	free(ko->data);
	memset(ko, 0, sizeof(*ko));
}
