// SPDX-License-Identifier: GPL-2.0
/*
 * consumer - a user of exporter.ko's three kinds of export: plain
 * (exporter_read), GPL-only (exporter_counter_get/add/put) and namespaced
 * (exporter_counter_reset, in EXPORTER_ADMIN, imported below). The loader
 * resolves them when consumer is loaded, so exporter must be there first:
 *
 *   modprobe consumer     -> modules.dep makes modprobe load exporter first
 *   lsmod                 -> exporter ... 1 consumer
 *   cat /sys/kernel/debug/exporter/counters    -> consumer 1 1
 *
 * consumer keeps a pointer to its counter, which lives in exporter's memory,
 * so it holds a reference from init to exit (exporter_counter_get/put). The
 * module itself is pinned by the dependency the loader recorded.
 *
 * The "TODO n" markers cut out what labs/3-export asks a learner to write
 * (labs/mkskel.sh); they change nothing here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/init.h>
#include <linux/module.h>

#include <exporter.h>

static struct exporter_counter *counter;

static int __init consumer_init(void)
{
	long was;

	counter = exporter_counter_get("consumer");
	if (IS_ERR(counter)) {
		pr_err("no counter from exporter: %ld\n", PTR_ERR(counter));
		return PTR_ERR(counter);
	}
	was = exporter_counter_reset(counter);
	exporter_counter_add(counter, 1);
	pr_info("counter 'consumer' was %ld, reset and counted 1: reads %ld\n",
		was, exporter_read("consumer"));
	return 0;
}

static void __exit consumer_exit(void)
{
	exporter_counter_put(counter); /* TODO 5: give back init's reference */
	pr_info("counter 'consumer' released\n");
}

module_init(consumer_init);
module_exit(consumer_exit);

MODULE_IMPORT_NS(EXPORTER_ADMIN); /* TODO 4: import reset's namespace */
MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab developers");
MODULE_DESCRIPTION("Use exporter's plain, GPL-only and namespaced symbols");
MODULE_VERSION("1.0");
