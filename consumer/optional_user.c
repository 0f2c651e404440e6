// SPDX-License-Identifier: GPL-2.0
/*
 * optional_user - uses exporter.ko when it is loaded and works without it:
 * it looks exporter_add() up at run time with symbol_get() instead of
 * linking to it, so the loader records no dependency. symbol_get() takes a
 * reference on exporter for as long as the call lasts; symbol_put() drops
 * it at once, so exporter stays free to unload in between.
 *
 *   insmod optional_user.ko      -> counts once, in exporter or locally
 *   echo 1 > /sys/module/optional_user/parameters/count   -> once more
 *   cat /sys/kernel/debug/exporter/counters   -> optional_user N 0
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include <exporter.h>

/*
 * What was counted while exporter was not loaded. Atomic: init and a sysfs
 * write (which holds only the parameter lock) may count at the same time.
 */
static atomic_t local_count = ATOMIC_INIT(0);

static void count_once(void)
{
	long (*add)(const char *name, unsigned int delta);
	long value;

	add = symbol_get(exporter_add);
	if (!add) {
		pr_info("exporter not loaded: counted locally, %d\n",
			atomic_inc_return(&local_count));
		return;
	}
	value = add(KBUILD_MODNAME, 1);
	symbol_put(exporter_add);
	pr_info("counted in exporter: %ld\n", value);
}

static int count_set(const char *val, const struct kernel_param *kp)
{
	count_once();
	return 0;
}

static const struct kernel_param_ops count_ops = {
	.set = count_set,
};

/* Write-only, by root: a write is an action, there is nothing to read. */
module_param_cb(count, &count_ops, NULL, 0200);
MODULE_PARM_DESC(count, "Write anything to count once more");

static int __init optional_user_init(void)
{
	count_once();
	return 0;
}

static void __exit optional_user_exit(void)
{
	pr_info("unloaded, %d counted locally\n", atomic_read(&local_count));
}

module_init(optional_user_init);
module_exit(optional_user_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab developers");
MODULE_DESCRIPTION("Use exporter through symbol_get() when it is loaded, work without it");
MODULE_VERSION("1.0");
