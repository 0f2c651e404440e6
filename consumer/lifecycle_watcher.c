// SPDX-License-Identifier: GPL-2.0
/*
 * lifecycle_watcher - logs the loader's stages for every module loaded or
 * removed after it, through a module notifier:
 *
 *   insmod lifecycle_watcher.ko && modprobe consumer && dmesg | tail
 *   -> lifecycle_watcher: exporter: COMING, core 16384 bytes, init 4096 bytes
 *      lifecycle_watcher: exporter: LIVE, ...
 *      (modprobe -r consumer:) lifecycle_watcher: consumer: GOING, ...
 *
 * COMING: relocated and linked, init not run yet; LIVE: init returned 0;
 * GOING: init failed or the module is being removed. init memory is freed
 * once the module is LIVE, so its init size reads 0 from then on.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/version.h>

static const char *const state_names[] = {
	[MODULE_STATE_LIVE] = "LIVE",
	[MODULE_STATE_COMING] = "COMING",
	[MODULE_STATE_GOING] = "GOING",
	[MODULE_STATE_UNFORMED] = "UNFORMED",
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
/* 6.4 split a module's memory by type: struct module_memory mem[]. */
static unsigned int mem_size(const struct module *mod, bool init)
{
	unsigned int size = 0;

	for_each_mod_mem_type(type)
		if (mod_mem_type_is_init(type) == init)
			size += mod->mem[type].size;
	return size;
}
#else
static unsigned int mem_size(const struct module *mod, bool init)
{
	return init ? mod->init_layout.size : mod->core_layout.size;
}
#endif

static int lifecycle_notify(struct notifier_block *nb, unsigned long state,
			    void *data)
{
	struct module *mod = data;

	pr_info("%s: %s, core %u bytes, init %u bytes\n", mod->name,
		state < ARRAY_SIZE(state_names) ? state_names[state] : "?",
		mem_size(mod, false), mem_size(mod, true));
	return NOTIFY_DONE;
}

static struct notifier_block lifecycle_nb = {
	.notifier_call = lifecycle_notify,
};

static int __init lifecycle_watcher_init(void)
{
	int ret = register_module_notifier(&lifecycle_nb);

	if (ret)
		pr_err("register_module_notifier failed: %d\n", ret);
	return ret;
}

static void __exit lifecycle_watcher_exit(void)
{
	unregister_module_notifier(&lifecycle_nb);
}

module_init(lifecycle_watcher_init);
module_exit(lifecycle_watcher_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab developers");
MODULE_DESCRIPTION("Log each later module's loader states (COMING, LIVE, GOING)");
MODULE_VERSION("1.0");
