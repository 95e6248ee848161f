/* SPDX-License-Identifier: MIT */
/* The vips module: every part of imgbatch that calls libvips (decoding,
 * resizing, encoding, comparing pixels), built as its own shared object,
 * imgbatch-vips.so, and loaded with dlopen() only where libvips may run: in
 * the pool's spawner, which forks the workers (pool.c), and in `imgbatch
 * compare`. The batch's parent never loads it, so it never maps libvips
 * and the hundred libraries libvips links (18 of the 21 MB it used to
 * hold). The module's calls into the rest of the library (buffers,
 * protocol, temp files) resolve against the binary, which exports them. */
#ifndef IMGBATCH_VIPSMODULE_H
#define IMGBATCH_VIPSMODULE_H

#include <stddef.h>

#include "imgbatch/tolerance.h"
#include "imgbatch/settings.h"

#define IB_VIPS_MODULE_NAME "imgbatch-vips.so"

/* Bumped whenever this table or anything it passes changes shape: a module
 * from another build is refused, not called. */
#define IB_VIPS_API_VERSION 2

struct ib_vips_api {
    int version;
    /* A worker's life: worker.h. */
    void (*worker_main)(const struct ib_settings *s, int task_fd,
                        int result_fd);
    /* For a process that runs no pool: starts libvips with one thread per
     * operation and untrusted loaders blocked. 0, or -1 on failure. */
    int (*start)(void);
    int (*compare_files)(const char *expected, const char *actual,
                         const struct ib_tolerance *t, struct ib_comparison *c,
                         char *err, size_t err_len);
    /* For --version, in a process that runs no pool: starts libvips and
     * writes the libvips version loaded and the one built against, and
     * the loaders on and off under the policy, as lines, into buf. 0, or
     * -1 with the reason in buf. */
    int (*about)(const struct ib_loaders *policy, char *buf, size_t len);
};

/* Where the module is: beside the running binary, or in ../lib/imgbatch/
 * from it when installed. 0 when it is there to load (the path is kept for
 * ib_vips_module_load, in this process and its forks), or -1 with the
 * reason in err. */
int ib_vips_module_find(char *err, size_t err_len);

/* Loads the module (finding it first when ib_vips_module_find has not) and
 * returns its table; NULL with the reason in err. Only where libvips may
 * run. */
const struct ib_vips_api *ib_vips_module_load(char *err, size_t err_len);

#endif
