// SPDX-License-Identifier: GPL-2.0
/*
 * parametermodule: the LubanCat tutorial's parameter module: an int, a
 * bool, a string and an int array, each given at load time and readable
 * in /sys/module/parametermodule/parameters/; itype and btype may also be
 * changed there by root (0644: never world-writable).
 *
 *   modprobe parametermodule itype=7 btype=1 ctype=board iarray=1,2,3
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static int itype;
module_param(itype, int, 0644);
MODULE_PARM_DESC(itype, "an int (0)");

static bool btype;
module_param(btype, bool, 0644);
MODULE_PARM_DESC(btype, "a bool (N)");

/* Read-only: a charp changed through sysfs would be freed under a reader. */
static char *ctype = "lubancat";
module_param(ctype, charp, 0444);
MODULE_PARM_DESC(ctype, "a string (lubancat)");

static int iarray[4];
static int iarray_n;
module_param_array(iarray, int, &iarray_n, 0444);
MODULE_PARM_DESC(iarray, "up to 4 ints, comma-separated");

static int __init parametermodule_init(void)
{
	pr_info("itype=%d btype=%d ctype=%s iarray has %d\n",
		itype, btype, ctype, iarray_n);
	return 0;
}
module_init(parametermodule_init);

static void __exit parametermodule_exit(void)
{
	pr_info("exit\n");
}
module_exit(parametermodule_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab");
MODULE_DESCRIPTION("Module parameters of four kinds (LubanCat tutorial shape)");
