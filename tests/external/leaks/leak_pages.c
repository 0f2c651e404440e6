// SPDX-License-Identifier: GPL-2.0
/*
 * leak_pages: leaks 256 KB on every load, on purpose: init allocates a
 * buffer and forgets it. Ten load/unload cycles lose 2.5 MB, which
 * MemAvailable shows on any kernel; kmemleak (the edge kernel) also
 * names init in the backtrace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/slab.h>

#define LEAK_SIZE (256 * 1024)

static int __init leak_pages_init(void)
{
	char *buf = kmalloc(LEAK_SIZE, GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	pr_info("allocated %d bytes, and forgot them\n", LEAK_SIZE);
	return 0;
}
module_init(leak_pages_init);

static void __exit leak_pages_exit(void)
{
	pr_info("exit\n");
}
module_exit(leak_pages_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab");
MODULE_DESCRIPTION("Leak 256 KB per load, on purpose");
