/* SPDX-License-Identifier: MIT */
/* Which of libvips' loadable modules a worker loads, and when. */
#ifndef IMGBATCH_MODULES_H
#define IMGBATCH_MODULES_H

#include "imgbatch/settings.h"

struct ib_modules;

/* Before vips_init: keeps libvips from loading its modules itself, unless
 * the user set VIPSHOME (libvips then loads what is there, and this does
 * nothing more). */
struct ib_modules *ib_modules_hold(const struct ib_loaders *l);

/* After vips_init: loads the modules the loader policy allows, but the
 * ones that only read and write their own formats (HEIF, JPEG XL). */
void ib_modules_load_start(struct ib_modules *m);

/* Loads the allowed modules not loaded yet: 1 when it did (a file no
 * loader knew may have one now, a format may have its saver), else 0. */
int ib_modules_load_rest(struct ib_modules *m);

void ib_modules_free(struct ib_modules *m);

#endif
