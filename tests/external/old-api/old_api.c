// SPDX-License-Identifier: GPL-2.0
/*
 * old_api: tutorial-era code that builds on Linux 5.10 and on no newer
 * kernel of the matrix. It calls a function meant for user pointers on a
 * kernel buffer by widening the address limit with set_fs(KERNEL_DS), the
 * idiom of older driver books. arm64 removed set_fs(), get_fs() and
 * mm_segment_t in Linux 5.11 ("arm64: uaccess: remove set_fs()"; the
 * other architectures followed, the generic code went in 5.18): on 6.1
 * the build stops at "unknown type name 'mm_segment_t'". The fix is to
 * call the kernel-pointer variant instead (here: memcpy; for files,
 * kernel_read()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/uaccess.h>

static const char old_api_src[] = "copied under KERNEL_DS";

static int __init old_api_init(void)
{
	char dst[sizeof(old_api_src)];
	mm_segment_t old_fs = get_fs();
	unsigned long left;

	set_fs(KERNEL_DS);
	left = copy_from_user(dst, (const char __user *)old_api_src,
			      sizeof(dst));
	set_fs(old_fs);
	if (left) {
		pr_err("copy_from_user() left %lu bytes\n", left);
		return -EFAULT;
	}
	pr_info("%s\n", dst);
	return 0;
}
module_init(old_api_init);

static void __exit old_api_exit(void)
{
	pr_info("exit\n");
}
module_exit(old_api_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab");
MODULE_DESCRIPTION("Use set_fs(KERNEL_DS), which Linux 5.11 removed on arm64");
