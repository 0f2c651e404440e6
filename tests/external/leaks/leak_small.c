// SPDX-License-Identifier: GPL-2.0
/*
 * leak_small: leaks 128 bytes on every load, on purpose: init allocates
 * a buffer and forgets it. Too small for MemAvailable to tell from its
 * noise; kmemleak (the edge kernel) finds it, with init in the
 * backtrace. On a kernel without kmemleak it passes every other check.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static int __init leak_small_init(void)
{
	char *buf = kmalloc(128, GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	strscpy(buf, "never freed", 128);
	pr_info("allocated 128 bytes, and forgot them\n");
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
MODULE_DESCRIPTION("Leak 128 bytes per load, on purpose");
