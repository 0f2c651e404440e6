// SPDX-License-Identifier: GPL-2.0
/*
 * init_fails: a driver whose hardware is not there. Its init looks for
 * the device, logs that it found none and returns -ENODEV: the loader
 * takes the module, runs init, frees it again and hands -ENODEV to
 * modprobe ("No such device"). kmodlab's checks must fail this module,
 * saying which and why.
 *
 * init_fails_probe() is not static on purpose: W=1 (-Wmissing-prototypes)
 * warns about it, and scripts/own.sh counts and shows that warning.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>

int init_fails_probe(void)
{
	return -ENODEV;
}

static int __init init_fails_init(void)
{
	int ret = init_fails_probe();

	if (ret)
		pr_err("no device found: %d\n", ret);
	return ret;
}
module_init(init_fails_init);

static void __exit init_fails_exit(void)
{
	pr_info("exit\n");
}
module_exit(init_fails_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab");
MODULE_DESCRIPTION("A module whose init fails with -ENODEV");
