/* SPDX-License-Identifier: MIT */
/* The comparison's defaults and its one-line description: the parts of
 * compare.h the parent uses (for options, messages and reports), apart from
 * compare.c, which needs libvips and so lives in the worker module. Where
 * the defaults come from: compare.c. */
#include <math.h>
#include <stdio.h>

#include "imgbatch/tolerance.h"

void ib_tolerance_defaults(struct ib_tolerance *t)
{
    t->max_diff = 48;
    t->min_psnr = 33.0;
    t->fuzz = 16;
    t->max_fraction = 0.02;
}

void ib_comparison_judge(const struct ib_tolerance *t, struct ib_comparison *c)
{
    c->failed = !c->same_size                   ? IB_LIMIT_SIZE
                : c->max_diff > t->max_diff     ? IB_LIMIT_MAX_DIFF
                : c->psnr < t->min_psnr         ? IB_LIMIT_PSNR
                : c->fraction > t->max_fraction ? IB_LIMIT_FRACTION
                                                : IB_LIMIT_NONE;
    c->pass = c->failed == IB_LIMIT_NONE;
}

/* v over its limit; a limit of 0 counts as the smallest step above it
 * (half a level, a millionth of the pixels), so that the ratio stays
 * finite and still grows with v. */
static double over(double v, double limit, double step)
{
    return v / (limit > 0 ? limit : step);
}

double ib_comparison_excess(const struct ib_comparison *c,
                            const struct ib_tolerance *t)
{
    if (!c->same_size)
        return HUGE_VAL;
    double e = over(c->max_diff, t->max_diff, 0.5);
    /* PSNR is 10 log10(255^2 / MSE): a PSNR d dB under the limit is an
     * MSE 10^(d/10) times the largest the limit allows. */
    double mse = pow(10.0, (t->min_psnr - c->psnr) / 10.0);
    if (mse > e)
        e = mse;
    double fraction = over(c->fraction, t->max_fraction, 1e-6);
    return fraction > e ? fraction : e;
}

const char *ib_limit_name(int limit)
{
    static const char *const names[] = {"", "size", "max-diff", "psnr",
                                        "fraction"};
    return limit > 0 && limit <= IB_LIMIT_FRACTION ? names[limit] : "";
}

void ib_comparison_describe(const struct ib_comparison *c,
                            const struct ib_tolerance *t, char *buf, size_t len)
{
    if (!c->same_size) {
        snprintf(buf, len, "size %dx%d, expected %dx%d", c->actual_w,
                 c->actual_h, c->expected_w, c->expected_h);
        return;
    }
    char psnr[32];
    if (c->psnr >= IB_PSNR_IDENTICAL)
        snprintf(psnr, sizeof(psnr), "identical");
    else
        snprintf(psnr, sizeof(psnr), "%.1f dB", c->psnr);
    snprintf(buf, len,
             "max-diff %d at %d,%d; psnr %s; %.2f%% of pixels differ by > %d",
             c->max_diff, c->max_x, c->max_y, psnr, c->fraction * 100.0,
             t->fuzz);
}
