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
 *
 * The "TODO n" markers cut out the lines labs/1-hello asks a learner to
 * write (labs/mkskel.sh); they change nothing here.
 */
/* TODO 2: make every pr_*() line start with the module's name */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
/* TODO 2 end */

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init helloworld_init(void)
{
	pr_info("hello, world\n");	/* TODO 3: log "hello, world" */
	return 0;
}

static void __exit helloworld_exit(void)
{
	pr_info("goodbye, world\n");	/* TODO 4: log "goodbye, world" */
}

/* TODO 5: tell the kernel which functions are init and exit */
module_init(helloworld_init);
module_exit(helloworld_exit);
/* TODO 5 end */

MODULE_LICENSE("GPL");	/* TODO 1: the license; modpost refuses a module without one */
/* TODO 6: author, description and version, for modinfo */
MODULE_AUTHOR("kmodlab developers");
MODULE_DESCRIPTION("Log a line on load and on unload");
MODULE_VERSION("1.0");
/* TODO 6 end */
