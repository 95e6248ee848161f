/* SPDX-License-Identifier: MIT */
/* The tolerance's verdicts (which limit a comparison failed) and the order
 * the diff page puts mismatches in (how far past its limits each is). */
#include <math.h>

#include "check.h"
#include "imgbatch/tolerance.h"

static struct ib_comparison figures(int max_diff, double psnr, double fraction)
{
    struct ib_comparison c = {.same_size = 1,
                              .max_diff = max_diff,
                              .psnr = psnr,
                              .fraction = fraction};
    return c;
}

/* The first limit a comparison is outside of, by its name. */
static void judged(void)
{
    struct ib_tolerance t;
    ib_tolerance_defaults(&t);
    struct ib_comparison c = figures(11, 44.4, 0.0);
    ib_comparison_judge(&t, &c);
    CHECK(c.pass);
    CHECK_INT(c.failed, IB_LIMIT_NONE);
    CHECK_STR(ib_limit_name(c.failed), "");
    c = figures(252, 10.8, 0.94);
    ib_comparison_judge(&t, &c);
    CHECK(!c.pass);
    CHECK_STR(ib_limit_name(c.failed), "max-diff");
    c = figures(12, 32.8, 0.0);
    ib_comparison_judge(&t, &c);
    CHECK_STR(ib_limit_name(c.failed), "psnr");
    c = figures(40, 35.0, 0.08);
    ib_comparison_judge(&t, &c);
    CHECK_STR(ib_limit_name(c.failed), "fraction");
    c.same_size = 0;
    ib_comparison_judge(&t, &c);
    CHECK_STR(ib_limit_name(c.failed), "size");
}

/* Worst first: another size; then a flip, whose PSNR is 22.2 dB short of
 * 33 (an MSE 166 times the limit's, more than its 94% of pixels against 2%
 * and its 252 levels against 48); then one pixel 200 levels off (4.2
 * times 48); then a PSNR 0.2 dB short (an MSE 1.05 times the limit's). A
 * match is under 1. */
static void worst_first(void)
{
    struct ib_tolerance t;
    ib_tolerance_defaults(&t);
    struct ib_comparison size = figures(0, 0, 0);
    size.same_size = 0;
    struct ib_comparison flip = figures(252, 10.8, 0.94);
    struct ib_comparison pixel = figures(200, 43.4, 0.0001);
    struct ib_comparison tint = figures(12, 32.8, 0.0);
    struct ib_comparison match = figures(11, 44.4, 0.0);
    CHECK(isinf(ib_comparison_excess(&size, &t)));
    CHECK(fabs(ib_comparison_excess(&flip, &t) - pow(10.0, 2.22)) < 0.01);
    CHECK(fabs(ib_comparison_excess(&pixel, &t) - 200.0 / 48.0) < 0.01);
    CHECK(fabs(ib_comparison_excess(&tint, &t) - pow(10.0, 0.02)) < 0.001);
    CHECK(ib_comparison_excess(&match, &t) < 1.0);
    /* Limits of 0 (--max-diff 0 --max-fraction 0): finite, and still
     * larger for a larger difference. */
    t.max_diff = 0;
    t.max_fraction = 0;
    struct ib_comparison one = figures(1, 60.0, 0.0);
    struct ib_comparison two = figures(2, 60.0, 0.0);
    CHECK(isfinite(ib_comparison_excess(&one, &t)));
    CHECK(ib_comparison_excess(&two, &t) > ib_comparison_excess(&one, &t));
}

int main(void)
{
    judged();
    worst_first();
    CHECK_DONE();
}
