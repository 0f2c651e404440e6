// SPDX-License-Identifier: GPL-2.0
/*
 * finit - hand a module file to finit_module(2) with
 * MODULE_INIT_COMPRESSED_FILE, so that the kernel decompresses it itself
 * (CONFIG_MODULE_DECOMPRESS, Linux 5.17+), as kmod 31 and later do and
 * Debian 12's kmod 30 never does. A guest probe for
 * tests/loader/test-compress.sh, for arm64 and without a C library (the
 * cross toolchain has none to link statically): raw system calls.
 *
 *   finit FILE   prints "finit_module: 0" or "finit_module: -ERRNO";
 *                exits 0 when the module loaded, 1 when it did not
 */

/* include/uapi/asm-generic/unistd.h */
#define NR_OPENAT	56
#define NR_WRITE	64
#define NR_EXIT		93
#define NR_FINIT_MODULE	273
#define AT_FDCWD	-100
/* include/uapi/linux/module.h */
#define MODULE_INIT_COMPRESSED_FILE	4

static long sys3(long nr, long a, long b, long c)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory");
	return x0;
}

static void say(const char *s)
{
	const char *e = s;

	while (*e)
		e++;
	sys3(NR_WRITE, 1, (long)s, e - s);
}

static void say_num(long n)
{
	char buf[24], *p = buf + sizeof(buf) - 1;
	unsigned long u = n < 0 ? -n : n;

	*p = '\0';
	do {
		*--p = '0' + u % 10;
		u /= 10;
	} while (u);
	if (n < 0)
		*--p = '-';
	say(p);
}

static int load(int argc, char **argv)
{
	long fd, ret;

	if (argc != 2) {
		say("usage: finit FILE\n");
		return 2;
	}
	fd = sys3(NR_OPENAT, AT_FDCWD, (long)argv[1], 0);
	if (fd < 0) {
		say("open: ");
		say_num(fd);
		say("\n");
		return 2;
	}
	ret = sys3(NR_FINIT_MODULE, fd, (long)"", MODULE_INIT_COMPRESSED_FILE);
	say("finit_module: ");
	say_num(ret);
	say("\n");
	return ret ? 1 : 0;
}

/* The entry point: argc, then argv, on the stack. exit() does not return. */
void start_c(long *sp)
{
	long status = load((int)sp[0], (char **)(sp + 1));

	for (;;)
		sys3(NR_EXIT, status, 0, 0);
}

__asm__(".global _start\n"
	"_start:\n"
	"	mov x0, sp\n"
	"	bl start_c\n");
