/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included by 'make lint' in cppcheck's run over the module sources only.
 * cppcheck does not read the kernel's headers, and it cannot parse a
 * statement that follows a macro it does not know: give the kernel's
 * iterators their shape (a for loop over pos), so the body is checked too.
 */
#define list_for_each_entry(pos, head, member) \
	for (pos = (void *)(head); pos; pos = (void *)0)
