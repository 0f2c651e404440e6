// SPDX-License-Identifier: GPL-2.0
/*
 * requester - asks the kernel to load the module it needs, as a driver
 * asks for a file system or a crypto algorithm: request_module() runs
 * the program /proc/sys/kernel/modprobe names (/sbin/modprobe) with
 * "-q -- kmodlab-counters" and waits for it; modprobe finds that alias
 * in modules.alias (exporter's MODULE_ALIAS) and loads exporter. Then
 * requester looks exporter_add() up with symbol_get() and keeps that
 * reference until exit: no recorded dependency, so exporter stays
 * loaded after requester has gone.
 *
 *   insmod requester.ko      -> exporter is loaded by the kernel's request
 *   cat /sys/module/exporter/refcnt   -> 1 (symbol_get), holders/ empty
 *
 * MODULE_SOFTDEP tells modprobe the same thing ahead of time (depmod puts
 * it in modules.softdep): modprobe requester loads exporter first, and
 * modprobe -r requester removes it after.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kmod.h>
#include <linux/module.h>

#include <exporter.h>

static long (*add)(const char *name, unsigned int delta);

static int __init requester_init(void)
{
	/* 0, modprobe's exit status (e.g. 256 for 1), or a negative errno */
	int ret = request_module("kmodlab-counters");

	pr_info("request_module(\"kmodlab-counters\") returned %d\n", ret);
	add = symbol_get(exporter_add);
	if (!add) {
		pr_err("exporter_add not found: exporter is not loaded\n");
		return -ENXIO;
	}
	pr_info("counted in exporter: %ld\n", add(KBUILD_MODNAME, 1));
	return 0;
}

static void __exit requester_exit(void)
{
	symbol_put(exporter_add);
	pr_info("exporter released\n");
}

module_init(requester_init);
module_exit(requester_exit);

MODULE_SOFTDEP("pre: exporter");
MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab developers");
MODULE_DESCRIPTION("Load exporter with request_module() and use it through symbol_get()");
MODULE_VERSION("1.0");
