// SPDX-License-Identifier: GPL-2.0
/*
 * helloworld - the smallest useful module: it logs a line when it is
 * loaded and another when it is removed.
 *
 *   insmod helloworld.ko && dmesg | tail -1    -> helloworld: hello, world
 *   rmmod helloworld && dmesg | tail -1        -> helloworld: goodbye, world
 *
 * __init code is freed once init returns; __exit code is dropped entirely
 * when the module is built into the kernel, since it can never be unloaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init helloworld_init(void)
{
	pr_info("hello, world\n");
	return 0;
}

static void __exit helloworld_exit(void)
{
	pr_info("goodbye, world\n");
}

module_init(helloworld_init);
module_exit(helloworld_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab developers");
MODULE_DESCRIPTION("Log a line on load and on unload");
MODULE_VERSION("1.0");
