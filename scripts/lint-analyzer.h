/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included (gcc -include) by scripts/lint.sh into its -fanalyzer
 * build, and into no other build.
 *
 * gcc's analyzer reports a double free, a leak or a use after free only
 * for an allocator whose deallocator it knows. The kernel marks kmalloc()
 * and its kin __malloc but never names kfree(), so the analyzer sees none
 * of those bugs in module code. Declaring the out-of-line functions that
 * kmalloc(), kzalloc(), kcalloc() and friends inline into once more, with
 * malloc(DEALLOCATOR, ARG), teaches it: gcc merges the attribute into the
 * kernel's own declarations that follow. Only linux/types.h comes first,
 * so no pr_fmt() or other macro of the module is defined ahead of it.
 * (kmemdup() is left out: with FORTIFY_SOURCE it is an inline function,
 * which a declaration made here would turn into a second definition.)
 *
 * The names are those of Linux 6.1 to 6.9 (kmalloc_trace() appeared in 6.1
 * and 6.10 renamed the family to *_noprof()); on other kernels nothing is
 * declared and the analyzer still checks NULL dereferences and the like.
 */
#include <linux/types.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0) && \
	LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)

/*
 * Spelled __attribute, which gcc takes as __attribute__, because checkpatch
 * would offer __malloc instead, and the kernel's __malloc takes no arguments.
 */
#define lint_freed_by(fn, arg) __attribute((__malloc__(fn, arg)))

struct kmem_cache;

void kfree(const void *objp);
void kvfree(const void *addr);
void kmem_cache_free(struct kmem_cache *s, void *objp);

void *__kmalloc(size_t size, gfp_t flags) lint_freed_by(kfree, 1);
void *__kmalloc_node(size_t size, gfp_t flags, int node)
	lint_freed_by(kfree, 1);
void *kmalloc_trace(struct kmem_cache *s, gfp_t flags, size_t size)
	lint_freed_by(kfree, 1);
void *kmalloc_node_trace(struct kmem_cache *s, gfp_t gfpflags, int node,
			 size_t size) lint_freed_by(kfree, 1);
void *kmalloc_large(size_t size, gfp_t flags) lint_freed_by(kfree, 1);
void *kmalloc_large_node(size_t size, gfp_t flags, int node)
	lint_freed_by(kfree, 1);
char *kstrdup(const char *s, gfp_t gfp) lint_freed_by(kfree, 1);
void *kvmalloc_node(size_t size, gfp_t flags, int node)
	lint_freed_by(kvfree, 1);
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
	lint_freed_by(kmem_cache_free, 2);

#endif
