/* SPDX-License-Identifier: MIT */
/* How two images compare, by decoded pixels, with a stated tolerance: what
 * golden-image tests need (bytes differ across CPUs and encoder versions;
 * pixels barely do). The figures and limits cross the pipes and reach the
 * report, so they are spec; measuring them needs libvips (vips/compare.c). */
#ifndef IMGBATCH_TOLERANCE_H
#define IMGBATCH_TOLERANCE_H

#include <stddef.h>

struct ib_tolerance {
    int max_diff;        /* largest allowed difference of one channel */
    double min_psnr;     /* dB over all channels; smaller fails */
    int fuzz;            /* a pixel "differs" when a channel differs more */
    double max_fraction; /* of pixels that differ, 0..1 */
};

/* The limit a comparison failed on: the first, in this order, that it is
 * outside of. */
enum ib_limit {
    IB_LIMIT_NONE, /* it passed */
    IB_LIMIT_SIZE,
    IB_LIMIT_MAX_DIFF,
    IB_LIMIT_PSNR,
    IB_LIMIT_FRACTION,
};

struct ib_comparison {
    int expected_w, expected_h;
    int actual_w, actual_h;
    int same_size;
    int max_diff;     /* 0..255 (8-bit sRGB) */
    int max_x, max_y; /* where the largest difference is */
    double psnr;      /* dB; IB_PSNR_IDENTICAL when identical */
    double fraction;  /* of pixels differing by more than fuzz */
    int pass;
    int failed; /* enum ib_limit */
};

#define IB_PSNR_IDENTICAL 999.0
/* No PSNR is above it: IB_PSNR_IDENTICAL stands for infinity. */
#define IB_PSNR_MAX IB_PSNR_IDENTICAL

void ib_tolerance_defaults(struct ib_tolerance *t);

/* Sets c->failed and c->pass from its figures. */
void ib_comparison_judge(const struct ib_tolerance *t, struct ib_comparison *c);

/* How far past its limits a comparison is: the largest of its figures'
 * ratios to their limits (for PSNR, of the mean squared errors the two
 * stand for), so that mismatches that failed different limits can be put
 * in one order, worst first. Above 1 for a mismatch; HUGE_VAL when the
 * sizes differ. */
double ib_comparison_excess(const struct ib_comparison *c,
                            const struct ib_tolerance *t);

/* The limit's name, as the options and messages say it: "max-diff", ...
 * ("" for IB_LIMIT_NONE). */
const char *ib_limit_name(int limit);

/* The figures, as one line: "max-diff 11 at 9,31; psnr 44.4 dB; 0.00% of
 * pixels differ by > 16", or the two sizes when they differ. */
void ib_comparison_describe(const struct ib_comparison *c,
                            const struct ib_tolerance *t, char *buf,
                            size_t len);

#endif
