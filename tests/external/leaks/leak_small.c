// SPDX-License-Identifier: GPL-2.0
/*
 * leak_small: leaks 4 x 128 bytes on every load, on purpose: init
 * allocates buffers and forgets them. Far too little for MemAvailable to
 * tell from its noise; kmemleak (the edge kernel) finds them. Several, not
 * one: a pointer left behind in a stack kmemleak scans (the kernel keeps
 * freed task stacks for reuse) hides the object it points to, and only
 * the last one can be left there. On a kernel without kmemleak this
 * module passes every check: that leak is not seen there.
 *
 * Seen so far (2026-12-02, the edge kernel 7.2 with generic KASAN):
 * kmemleak did not report these objects either, while it reported every
 * one of leak_pages' (page-allocator backed). This module stays as the
 * proof of what the checks here do not catch.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static int __init leak_small_init(void)
{
	char *buf;
	int i;

	for (i = 0; i < 4; i++) {
		buf = kmalloc(128, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		strscpy(buf, "never freed", 128);
	}
	pr_info("allocated 4 x 128 bytes, and forgot them\n");
	return 0;
}
module_init(leak_small_init);

static void __exit leak_small_exit(void)
{
	pr_info("exit\n");
}
module_exit(leak_small_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab");
MODULE_DESCRIPTION("Leak 4 x 128 bytes per load, on purpose");
