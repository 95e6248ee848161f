/* SPDX-License-Identifier: MIT */
/* Measuring how two image files compare (tolerance.h says what the figures
 * mean). Uses libvips: call it in a worker or in a process that runs no
 * pool (imgbatch compare). */
#ifndef IMGBATCH_VIPS_COMPARE_H
#define IMGBATCH_VIPS_COMPARE_H

#include <stddef.h>

#include "imgbatch/tolerance.h"

/* Compares two files. Returns 0 when both decoded (c says whether they
 * match), -1 with a reason in err when either could not be read. */
int ib_compare_files(const char *expected, const char *actual,
                     const struct ib_tolerance *t, struct ib_comparison *c,
                     char *err, size_t err_len);

/* For a mismatch: writes diff_path (changed pixels in red over a faded
 * expected image; only when the sizes match) and sbs_path (expected,
 * actual and diff side by side), both PNG. 0, or -1 with a reason. */
int ib_compare_write_pictures(const char *expected, const char *actual,
                              const struct ib_tolerance *t,
                              const char *diff_path, const char *sbs_path,
                              char *err, size_t err_len);

#endif
