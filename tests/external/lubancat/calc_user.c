// SPDX-License-Identifier: GPL-2.0
/*
 * calc_user: calls what calculation exports, once, at load time:
 *
 *   calc_user: 5 + 3 = 8, 5 - 3 = 2
 *
 * While it is loaded, calculation is held (/sys/module/calculation/holders).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "calculation.h"

static int a = 5;
module_param(a, int, 0444);
MODULE_PARM_DESC(a, "the first operand (5)");

static int b = 3;
module_param(b, int, 0444);
MODULE_PARM_DESC(b, "the second operand (3)");

static int __init calc_user_init(void)
{
	pr_info("%d + %d = %d, %d - %d = %d\n", a, b, my_add(a, b),
		a, b, my_sub(a, b));
	return 0;
}
module_init(calc_user_init);

static void __exit calc_user_exit(void)
{
	pr_info("exit\n");
}
module_exit(calc_user_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab");
MODULE_DESCRIPTION("Use the functions calculation exports (LubanCat tutorial shape)");
