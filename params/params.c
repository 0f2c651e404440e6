// SPDX-License-Identifier: GPL-2.0
/*
 * params - every kind of module parameter the kernel offers, and how each
 * is set, read and refused. The module logs the values it got on load and
 * on unload; a change through sysfs to "level" or "mode" is logged too.
 *
 *   insmod params.ko count=3 greeting=hi values=4,5,6 level=5 mode=fast
 *   modprobe params count=3      (adds "options params ..." lines of
 *                                 /etc/modprobe.d and params.x=y of the
 *                                 kernel command line; insmod reads neither)
 *   modinfo params               (every parameter, its type and help)
 *   cat /sys/module/params/parameters/count
 *   echo 7 > /sys/module/params/parameters/level
 *
 * The permission of a parameter is its sysfs mode: 0 hides it (it can be
 * set only when loading), 0444 shows it read-only, 0644 lets root change
 * it at run time. Never world-writable: module_param() refuses that at
 * build time.
 *
 * The "TODO n" markers cut out what labs/4-params asks a learner to write
 * (labs/mkskel.sh); they change nothing here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/sysfs.h>

/* One of each standard type; the kernel's param_ops_<type> parse them. */
static int count = 1;
/* TODO 1: make count an int parameter, root-writable in sysfs, described */
module_param(count, int, 0644);
MODULE_PARM_DESC(count, "How many; root may change it in sysfs (default 1)");
/* TODO 1 end */

static unsigned int size = 4096;
module_param(size, uint, 0444);
MODULE_PARM_DESC(size, "A size in bytes; read-only in sysfs (default 4096)");

static long offset = -1;
module_param(offset, long, 0444);
MODULE_PARM_DESC(offset, "A signed offset (default -1)");

static unsigned long mask = 0xff;
module_param(mask, ulong, 0444);
MODULE_PARM_DESC(mask, "A bit mask; 0x.. and 0.. prefixes work (default 255)");

static short delta = -2;
module_param(delta, short, 0444);
MODULE_PARM_DESC(delta, "-32768..32767 (default -2)");

static unsigned short port = 8080;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "0..65535 (default 8080)");

static unsigned char channel = 1;
module_param(channel, byte, 0444);
MODULE_PARM_DESC(channel, "0..255 (default 1)");

static bool verbose;
module_param(verbose, bool, 0644);
MODULE_PARM_DESC(verbose, "Y/N, y/n or 1/0 (default N)");

/* invbool stores the opposite of what is written: disable=Y clears it. */
static bool enabled = true;
module_param_named(disable, enabled, invbool, 0444);
MODULE_PARM_DESC(disable, "Y turns the feature off; stored inverted (default N)");

/*
 * charp: the kernel allocates a copy and frees the old one when root
 * writes the file, so whoever reads it while sysfs may write it must hold
 * kernel_param_lock() (see params_log()).
 */
static char *greeting = "hello";
module_param(greeting, charp, 0644);
MODULE_PARM_DESC(greeting, "Any string; the kernel keeps a copy (default \"hello\")");

/* A fixed buffer: the kernel refuses a value that does not fit. */
static char label[16] = "kmodlab";
/* TODO 3: make label a string parameter, copied into its buffer */
module_param_string(label, label, sizeof(label), 0444);
MODULE_PARM_DESC(label, "At most 15 characters, copied into the module (default \"kmodlab\")");
/* TODO 3 end */

/* Up to 4 ints, comma-separated; nr_values says how many were given. */
static int values[4] = { 1, 2 };
static unsigned int nr_values = 2;
/* TODO 2: make values an int array parameter; nr_values counts what was given */
module_param_array(values, int, &nr_values, 0444);
MODULE_PARM_DESC(values, "Up to 4 ints, comma-separated (default 1,2)");
/* TODO 2 end */

/* A renamed, hidden parameter: the variable is a struct member. */
static struct {
	int retries;
} cfg = { .retries = 3 };
module_param_named(retries, cfg.retries, int, 0);
MODULE_PARM_DESC(retries, "Hidden, no sysfs file: set only when loading (default 3)");

/*
 * Parameters with their own kernel_param_ops. The loader and sysfs call
 * .set with the module's kernel_param_lock held, so .set may read other
 * parameters but must not take that lock again. On an error nothing is
 * stored: the loader then refuses the module, a sysfs write fails.
 */
#define LEVEL_MAX 7

static unsigned int level = 3;

/*
 * Linux 5.15 added param_set_uint_minmax(), which does exactly this; 5.10
 * lacks it, so it is spelled out here and needs no version test.
 */
static int level_parse(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int ret;

	if (!val)
		return -EINVAL;
	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	/* TODO 4: refuse a level above LEVEL_MAX */
	if (n > LEVEL_MAX)
		return -EINVAL;
	/* TODO 4 end */
	*(unsigned int *)kp->arg = n;
	return 0;
}

static int level_set(const char *val, const struct kernel_param *kp)
{
	unsigned int old = *(unsigned int *)kp->arg;
	int ret;

	ret = level_parse(val, kp);
	if (ret) {
		pr_err("level: not a number in 0..%d, unchanged (%d)\n",
		       LEVEL_MAX, ret);
		return ret;
	}
	pr_info("level: %u -> %u\n", old, *(unsigned int *)kp->arg);
	return 0;
}

static const struct kernel_param_ops level_ops = {
	.set = level_set,
	.get = param_get_uint,
};

/* TODO 5: make level a root-writable parameter handled by level_ops */
module_param_cb(level, &level_ops, &level, 0644);
MODULE_PARM_DESC(level, "0..7, checked by the module, changes logged (default 3)");
MODULE_INFO(parmtype, "level:uint");
/* TODO 5 end */

static const char * const mode_names[] = { "off", "slow", "fast" };
static int mode = 1;

static int mode_set(const char *val, const struct kernel_param *kp)
{
	int *cur = kp->arg;
	int i;

	/* sysfs_match_string() ignores the newline that echo adds. */
	i = val ? sysfs_match_string(mode_names, val) : -EINVAL;
	if (i < 0) {
		pr_err("mode: not one of off, slow, fast, unchanged\n");
		return -EINVAL;
	}
	pr_info("mode: %s -> %s\n", mode_names[*cur], mode_names[i]);
	*cur = i;
	return 0;
}

static int mode_get(char *buffer, const struct kernel_param *kp)
{
	/* buffer is sysfs's page; sysfs_emit() exists since Linux 5.10. */
	return sysfs_emit(buffer, "%s\n", mode_names[*(int *)kp->arg]);
}

static const struct kernel_param_ops mode_ops = {
	.set = mode_set,
	.get = mode_get,
};

module_param_cb(mode, &mode_ops, &mode, 0644);
MODULE_PARM_DESC(mode, "off, slow or fast, changes logged (default slow)");
MODULE_INFO(parmtype, "mode:string");

/* Log the effective values; "when" is load or unload. */
static void params_log(const char *when)
{
	char list[4 * 12] = "";
	unsigned int i, n, len = 0;

	/*
	 * /sys/module/params/parameters appears before init runs, so root
	 * may write while we read: hold the lock that sysfs's handlers take,
	 * or a write to greeting could free the string we are printing.
	 * Trust nr_values no further than the array's size.
	 */
	kernel_param_lock(THIS_MODULE);
	n = min_t(unsigned int, nr_values, ARRAY_SIZE(values));
	for (i = 0; i < n; i++)
		len += scnprintf(list + len, sizeof(list) - len, "%s%d",
				 i ? "," : "", values[i]);
	pr_info("%s: count=%d size=%u offset=%ld mask=%lu delta=%d port=%u channel=%u\n",
		when, count, size, offset, mask, delta, port, channel);
	pr_info("%s: verbose=%c disable=%c greeting=\"%s\" label=\"%s\" retries=%d\n",
		when, verbose ? 'Y' : 'N', enabled ? 'N' : 'Y', greeting,
		label, cfg.retries);
	pr_info("%s: values=%s (%u of %zu) level=%u mode=%s\n",
		when, list, n, ARRAY_SIZE(values), level, mode_names[mode]);
	kernel_param_unlock(THIS_MODULE);
}

static int __init params_init(void)
{
	params_log("load");
	return 0;
}

static void __exit params_exit(void)
{
	params_log("unload");
}

module_init(params_init);
module_exit(params_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab developers");
MODULE_DESCRIPTION("Every kind of module parameter, validated and logged");
MODULE_VERSION("1.0");
