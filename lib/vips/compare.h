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

/* Where the pictures of a mismatch go, all PNG. */
struct ib_pictures {
    const char *expected; /* each image as compared: sRGB, alpha kept */
    const char *actual;
    const char *diff; /* a heat map of the differences, the largest ringed
                         (only when the sizes match) */
    const char *sbs;  /* expected, actual and diff side by side */
};

/* For a mismatch (c, as ib_compare_files found it): writes the pictures.
 * 0, or -1 with a reason. */
int ib_compare_write_pictures(const char *expected, const char *actual,
                              const struct ib_tolerance *t,
                              const struct ib_comparison *c,
                              const struct ib_pictures *to, char *err,
                              size_t err_len);
/* One image as it is compared (sRGB, alpha kept), as PNG: the output
 * whose golden is missing. 0, or -1 with a reason. */
int ib_compare_write_picture(const char *image, const char *png, char *err,
                             size_t err_len);

#endif
