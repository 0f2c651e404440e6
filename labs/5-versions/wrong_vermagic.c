// SPDX-License-Identifier: GPL-2.0
/*
 * wrong_vermagic - a module that claims to be built for another kernel.
 * modpost writes the real vermagic into the .mod.c it links after this
 * file, so a MODULE_INFO(vermagic, ...) here comes first in .modinfo, and
 * the first is the one the loader's check_modinfo() reads.
 */
#include <generated/utsrelease.h>
#include <linux/module.h>

/* TODO 2: a vermagic without SMP, as a uniprocessor kernel would have */
MODULE_INFO(vermagic, UTS_RELEASE " mod_unload modversions aarch64");
/* TODO 2 end */

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodlab developers");
MODULE_DESCRIPTION("Lab 5: a vermagic the running kernel refuses");
