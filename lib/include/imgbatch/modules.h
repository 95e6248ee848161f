/* Which of libvips' loadable modules a worker loads. */
#ifndef IMGBATCH_MODULES_H
#define IMGBATCH_MODULES_H

#include "imgbatch/settings.h"

struct ib_module_dir;

/* Before vips_init: when the loader policy blocks every loader of some
 * module, points libvips (VIPSHOME) at a private directory that links only
 * the other modules. NULL when every module is wanted, VIPSHOME is already
 * set, or the directory cannot be made: libvips then loads them all, as it
 * does anyway. */
struct ib_module_dir *ib_modules_limit(const struct ib_loaders *l);

/* After vips_init, which has loaded the modules: removes the directory and
 * VIPSHOME. Takes NULL. */
void ib_modules_done(struct ib_module_dir *d);

#endif
