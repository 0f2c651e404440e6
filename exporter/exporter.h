/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exporter.h - the interface of exporter.ko: a store of named counters
 * that several modules share. Include it as <exporter.h>, with
 * "ccflags-y += -I $(src)/../exporter" in the user's Kbuild.
 *
 * Three kinds of export, three kinds of user:
 *   exporter_read()             EXPORT_SYMBOL: any module may read
 *   exporter_add(),
 *   exporter_counter_get/put/add()  EXPORT_SYMBOL_GPL: only GPL-compatible
 *                               modules may change the store
 *   exporter_counter_reset()    EXPORT_SYMBOL_NS_GPL in EXPORTER_ADMIN: the
 *                               user must also say MODULE_IMPORT_NS(EXPORTER_ADMIN)
 */
#ifndef _KMODLAB_EXPORTER_H
#define _KMODLAB_EXPORTER_H

#include <linux/version.h>

/*
 * The namespace of the admin calls. Before 6.13, EXPORT_SYMBOL_NS() and
 * MODULE_IMPORT_NS() took a bare word and made it a string themselves
 * (5.10 with "#ns", which does not expand macros, so the word must be
 * written as is); since 6.13 they take the string literal. Naming the
 * macro after the namespace keeps one spelling for every kernel.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define EXPORTER_ADMIN "EXPORTER_ADMIN"
#endif

/* A counter of the store, pinned by exporter_counter_get(). */
struct exporter_counter;

long exporter_read(const char *name);
long exporter_add(const char *name, unsigned int delta);

struct exporter_counter *exporter_counter_get(const char *name);
void exporter_counter_put(struct exporter_counter *counter);
long exporter_counter_add(struct exporter_counter *counter,
			  unsigned int delta);

long exporter_counter_reset(struct exporter_counter *counter);

#endif /* _KMODLAB_EXPORTER_H */
