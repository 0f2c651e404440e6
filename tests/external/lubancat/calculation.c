// SPDX-License-Identifier: GPL-2.0
/*
 * calculation: exports two functions, as the LubanCat tutorial's
 * calculation module does; calc_user, built in the same Kbuild pass,
 * calls them, so modpost records calculation as its dependency and
 * 'modprobe calc_user' loads this module first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "calculation.h"

int my_add(int a, int b)
{
	return a + b;
}
EXPORT_SYMBOL(my_add);

int my_sub(int a, int b)
{
	return a - b;
}
EXPORT_SYMBOL(my_sub);

static int __init calculation_init(void)
{
	pr_info("exporting my_add and my_sub\n");
	return 0;
}
module_init(calculation_init);

static void __exit calculation_exit(void)
{
	pr_info("exit\n");
}
module_exit(calculation_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab");
MODULE_DESCRIPTION("Export two functions to another module (LubanCat tutorial shape)");
