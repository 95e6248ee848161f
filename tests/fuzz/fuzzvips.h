/* SPDX-License-Identifier: MIT */
/* What the targets that decode through libvips share: starting it (one
 * thread, so that a run is repeatable), and the abort() of a broken
 * invariant, with the target's name and why. */
#ifndef IMGBATCH_FUZZVIPS_H
#define IMGBATCH_FUZZVIPS_H

#include <stdio.h>
#include <stdlib.h>
#include <vips/vips.h>

static inline void fuzz_fail(const char *target, const char *why)
{
    fprintf(stderr, "%s: %s\n", target, why);
    abort();
}

static inline void fuzz_start_vips(const char *target, const char *argv0)
{
    if (VIPS_INIT(argv0))
        fuzz_fail(target, "cannot start libvips");
    vips_concurrency_set(1);
}

#endif
