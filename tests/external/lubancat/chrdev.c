// SPDX-License-Identifier: GPL-2.0
/*
 * chrdev: the LubanCat tutorial's first character device. It keeps the
 * last thing written to it (up to 256 bytes) and returns it to a reader.
 * The device number comes from alloc_chrdev_region(), the node from
 * device_create(): devtmpfs makes /dev/chrdev, no mknod needed.
 *
 *   chrdev_app /dev/chrdev hello    writes "hello", reads it back
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/version.h>

#define CHRDEV_NAME "chrdev"

static dev_t chrdev_devt;
static struct cdev chrdev_cdev;
static struct class *chrdev_class;
static struct device *chrdev_device;

/* One buffer for every opener: a write and a read never interleave. */
static DEFINE_MUTEX(chrdev_lock);
static char chrdev_buf[256];
static size_t chrdev_len;

static ssize_t chrdev_read(struct file *file, char __user *buf, size_t count,
			   loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&chrdev_lock);
	ret = simple_read_from_buffer(buf, count, ppos, chrdev_buf, chrdev_len);
	mutex_unlock(&chrdev_lock);
	return ret;
}

/* What is written from offset 0 replaces what was kept. */
static ssize_t chrdev_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&chrdev_lock);
	ret = simple_write_to_buffer(chrdev_buf, sizeof(chrdev_buf), ppos,
				     buf, count);
	if (ret > 0)
		chrdev_len = *ppos;
	mutex_unlock(&chrdev_lock);
	return ret ? ret : -ENOSPC;
}

static const struct file_operations chrdev_fops = {
	.owner = THIS_MODULE,
	.read = chrdev_read,
	.write = chrdev_write,
};

static int __init chrdev_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&chrdev_devt, 0, 1, CHRDEV_NAME);
	if (ret) {
		pr_err("alloc_chrdev_region() failed: %d\n", ret);
		return ret;
	}
	cdev_init(&chrdev_cdev, &chrdev_fops);
	chrdev_cdev.owner = THIS_MODULE;
	ret = cdev_add(&chrdev_cdev, chrdev_devt, 1);
	if (ret) {
		pr_err("cdev_add() failed: %d\n", ret);
		goto out_unregister;
	}
	/*
	 * Linux 6.4 took class_create()'s owner argument away ("driver core:
	 * class: remove module * from class_create()"): one argument since.
	 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	chrdev_class = class_create(CHRDEV_NAME);
#else
	chrdev_class = class_create(THIS_MODULE, CHRDEV_NAME);
#endif
	if (IS_ERR(chrdev_class)) {
		ret = PTR_ERR(chrdev_class);
		pr_err("class_create() failed: %d\n", ret);
		goto out_del_cdev;
	}
	chrdev_device = device_create(chrdev_class, NULL, chrdev_devt, NULL,
				      CHRDEV_NAME);
	if (IS_ERR(chrdev_device)) {
		ret = PTR_ERR(chrdev_device);
		pr_err("device_create() failed: %d\n", ret);
		goto out_destroy_class;
	}
	pr_info("/dev/%s is %d:%d\n", CHRDEV_NAME, MAJOR(chrdev_devt),
		MINOR(chrdev_devt));
	return 0;

out_destroy_class:
	class_destroy(chrdev_class);
out_del_cdev:
	cdev_del(&chrdev_cdev);
out_unregister:
	unregister_chrdev_region(chrdev_devt, 1);
	return ret;
}
module_init(chrdev_init);

static void __exit chrdev_exit(void)
{
	device_destroy(chrdev_class, chrdev_devt);
	class_destroy(chrdev_class);
	cdev_del(&chrdev_cdev);
	unregister_chrdev_region(chrdev_devt, 1);
	pr_info("exit\n");
}
module_exit(chrdev_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab");
MODULE_DESCRIPTION("A character device that returns what was written to it (LubanCat tutorial shape)");
