/* SPDX-License-Identifier: GPL-2.0 */
/* What calculation exports, for the modules that use it (calc_user). */
#ifndef CALCULATION_H
#define CALCULATION_H

int my_add(int a, int b);
int my_sub(int a, int b);

#endif /* CALCULATION_H */
