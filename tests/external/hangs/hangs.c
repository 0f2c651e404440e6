// SPDX-License-Identifier: GPL-2.0
/*
 * hangs: a driver whose init waits for hardware that never answers. Its
 * init sleeps for an hour: modprobe never returns, the module stays
 * "coming", and the guest never gets to power off. kmodlab's run must
 * end at its time limit (TIMEOUT) with a clear failure that names the
 * console log, not wait an hour.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init hangs_init(void)
{
	pr_info("waiting for the device\n");
	ssleep(3600);
	return 0;
}
module_init(hangs_init);

static void __exit hangs_exit(void)
{
	pr_info("exit\n");
}
module_exit(hangs_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab");
MODULE_DESCRIPTION("A module whose init never returns");
