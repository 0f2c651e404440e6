// SPDX-License-Identifier: GPL-2.0
/*
 * exporter - a store of named counters that other modules share, to show
 * how one module uses another's code: each call below is exported, so the
 * loader resolves a user's reference to it, records that the user depends
 * on exporter, and refuses to unload exporter while a user is loaded.
 *
 * What the users did is readable from user space:
 *
 *   cat /sys/kernel/debug/exporter/counters    -> "NAME VALUE USERS" lines
 *
 * USERS counts the holders of exporter_counter_get() references.
 *
 * The "TODO n" markers cut out what labs/3-export asks a learner to write
 * (labs/mkskel.sh); they change nothing here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "exporter.h"

#define NAME_MAX_LEN 31

struct exporter_counter {
	struct list_head node;
	char name[NAME_MAX_LEN + 1];
	long value;
	unsigned int users;
};

/* The store: every counter ever named, until exporter is unloaded. */
static LIST_HEAD(counters);
static DEFINE_MUTEX(counters_lock);
static struct dentry *debug_dir;

static struct exporter_counter *find(const char *name)
{
	struct exporter_counter *c;

	lockdep_assert_held(&counters_lock);
	list_for_each_entry(c, &counters, node)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static struct exporter_counter *find_or_create(const char *name)
{
	struct exporter_counter *c = find(name);

	if (c)
		return c;
	if (!name[0] || strlen(name) > NAME_MAX_LEN)
		return ERR_PTR(-EINVAL);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return ERR_PTR(-ENOMEM);
	strscpy(c->name, name, sizeof(c->name));
	list_add_tail(&c->node, &counters);
	return c;
}

/* Any module may read a counter: the value, or -ENOENT. */
long exporter_read(const char *name)
{
	struct exporter_counter *c;
	long ret;

	mutex_lock(&counters_lock);
	c = find(name);
	ret = c ? c->value : -ENOENT;
	mutex_unlock(&counters_lock);
	return ret;
}
EXPORT_SYMBOL(exporter_read); /* TODO 1: export it to every module */

/* Add to a counter, creating it: the new value, or a negative errno. */
long exporter_add(const char *name, unsigned int delta)
{
	struct exporter_counter *c;
	long ret;

	mutex_lock(&counters_lock);
	c = find_or_create(name);
	ret = IS_ERR(c) ? PTR_ERR(c) : (c->value += delta);
	mutex_unlock(&counters_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(exporter_add);

/*
 * A user that keeps a counter across calls takes a reference: the pointer
 * stays valid until exporter_counter_put(). The counter itself lives in
 * exporter's memory, which the module dependency keeps loaded.
 */
struct exporter_counter *exporter_counter_get(const char *name)
{
	struct exporter_counter *c;

	mutex_lock(&counters_lock);
	c = find_or_create(name);
	if (!IS_ERR(c))
		c->users++;
	mutex_unlock(&counters_lock);
	return c;
}
EXPORT_SYMBOL_GPL(exporter_counter_get); /* TODO 2: export it to GPL modules only */

void exporter_counter_put(struct exporter_counter *counter)
{
	mutex_lock(&counters_lock);
	WARN_ON(!counter->users--);
	mutex_unlock(&counters_lock);
}
EXPORT_SYMBOL_GPL(exporter_counter_put); /* TODO 2: export it to GPL modules only */

long exporter_counter_add(struct exporter_counter *counter, unsigned int delta)
{
	long ret;

	mutex_lock(&counters_lock);
	ret = counter->value += delta;
	mutex_unlock(&counters_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(exporter_counter_add); /* TODO 2: export it to GPL modules only */

/* Only for modules that import EXPORTER_ADMIN: zero it, return the old value. */
long exporter_counter_reset(struct exporter_counter *counter)
{
	long old;

	mutex_lock(&counters_lock);
	old = counter->value;
	counter->value = 0;
	mutex_unlock(&counters_lock);
	return old;
}
EXPORT_SYMBOL_NS_GPL(exporter_counter_reset, EXPORTER_ADMIN); /* TODO 3: namespaced */

static int counters_show(struct seq_file *m, void *unused)
{
	struct exporter_counter *c;

	mutex_lock(&counters_lock);
	list_for_each_entry(c, &counters, node)
		seq_printf(m, "%s %ld %u\n", c->name, c->value, c->users);
	mutex_unlock(&counters_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

static int __init exporter_init(void)
{
	/* debugfs may be absent; the store works without it. */
	debug_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("counters", 0444, debug_dir, NULL, &counters_fops);
	pr_info("counter store ready\n");
	return 0;
}

static void __exit exporter_exit(void)
{
	struct exporter_counter *c, *next;

	debugfs_remove_recursive(debug_dir);
	/* No user can be left: each one holds a reference on this module. */
	list_for_each_entry_safe(c, next, &counters, node) {
		WARN_ON(c->users);
		list_del(&c->node);
		kfree(c);
	}
	pr_info("counter store freed\n");
}

module_init(exporter_init);
module_exit(exporter_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab developers");
MODULE_DESCRIPTION("Share named counters with other modules (plain, GPL-only and namespaced exports)");
MODULE_VERSION("1.0");
/*
 * Another name modprobe finds it by (depmod puts it in modules.alias):
 * what requester.ko asks the kernel for, as drivers ask for "fs-ext4" or
 * "crypto-sha256" rather than for a file name.
 */
MODULE_ALIAS("kmodlab-counters");
