/* SPDX-License-Identifier: MIT */
/* --max-bytes' search (budget.h) against sizes from models of how an
 * encoder's output grows with quality: it must choose the highest quality
 * that fits (checked against every quality), fail at the floor with its
 * size, stop at -q when that fits, and stay within a few encodings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "check.h"

/* bytes(q) = base * exp(k q) * (1 + wobble * sin q): nearly exponential,
 * bending where k changes at q 85; or (k 0) as budget.c's model has it,
 * exp(0.45 x) of libjpeg's table scale, which photos follow closely. */
struct model {
    double base, k, k_high, wobble;
    int calls;
};

static size_t size_at(const struct model *m, int q)
{
    double scale = q < 50 ? 5000.0 / q : 200.0 - 2.0 * q;
    if (m->k == 0)
        return (size_t)(m->base * exp(-0.45 * log(scale)) *
                        (1 + m->wobble * sin(q)));
    double lq = q < 85 ? m->k * q : m->k * 85 + m->k_high * (q - 85);
    return (size_t)(m->base * exp(lq) * (1 + m->wobble * sin(q)));
}

static int encode(void *ctx, int q, unsigned char **bytes, size_t *len)
{
    struct model *m = ctx;
    m->calls++;
    *len = size_at(m, q);
    *bytes = malloc(1);
    return *bytes ? 0 : -1;
}

/* The answer by brute force: the highest q in [lo, hi] that fits. */
static int best(const struct model *m, long long max, int lo, int hi)
{
    for (int q = hi; q >= lo; q--)
        if ((long long)size_at(m, q) <= max)
            return q;
    return 0;
}

static int total_encodes, searches;

static void check_one(struct model m, long long max, int lo, int hi)
{
    struct ib_budget b = {max, lo, hi};
    struct ib_budget_result res;
    enum ib_budget_end end = ib_budget_search(&b, encode, &m, &res);
    int want = best(&m, max, lo, hi);
    if (want) {
        CHECK_INT(end, IB_BUDGET_FITS);
        CHECK_INT(res.quality, want);
        CHECK_INT(res.len, size_at(&m, want));
        CHECK(res.bytes != NULL);
    } else {
        CHECK_INT(end, IB_BUDGET_TOO_BIG);
        CHECK_INT(res.quality, lo);
        CHECK_INT(res.len, size_at(&m, lo));
        CHECK(res.bytes == NULL);
    }
    CHECK_INT(res.encodes, m.calls);
    CHECK(res.encodes <= 10);
    if (res.quality != hi) {
        total_encodes += res.encodes;
        searches++;
    }
    free(res.bytes);
}

int main(void)
{
    /* Photos (JPEG-like), flat drawings, and WebP/AVIF-like curves. */
    struct model models[] = {{2000, 0.022, 0.06, 0.0, 0},
                             {2000, 0.022, 0.06, 0.03, 0},
                             {500, 0.012, 0.03, 0.01, 0},
                             {900, 0.035, 0.05, 0.02, 0},
                             {200000, 0, 0, 0.005, 0}};
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
        for (long long max = 1000; max < 400000; max = max * 11 / 10)
            check_one(models[i], max, 40, 85);
    /* -q below the floor: -q alone is tried. */
    struct ib_budget low = {1000000, 40, 30};
    struct ib_budget_result res;
    CHECK_INT(ib_budget_search(&low, encode, &models[0], &res), IB_BUDGET_FITS);
    CHECK_INT(res.quality, 30);
    CHECK_INT(res.encodes, 1);
    free(res.bytes);
    low.max_bytes = 10;
    CHECK_INT(ib_budget_search(&low, encode, &models[0], &res),
              IB_BUDGET_TOO_BIG);
    CHECK_INT(res.quality, 30);
    CHECK_INT(res.encodes, 1);

    char reason[128];
    struct ib_budget b = {200 * 1024, 40, 85};
    res = (struct ib_budget_result){40, 5, NULL, 243 * 1024 + 1};
    ib_budget_reason(&b, &res, reason, sizeof(reason));
    CHECK_STR(reason, "cannot fit in 200 KiB: 244 KiB at quality 40");
    b.max_bytes = 1024 * 1024;
    res.len = 1024 * 1024 + 1;
    ib_budget_reason(&b, &res, reason, sizeof(reason));
    CHECK_STR(reason, "cannot fit in 1 MiB: 2 MiB at quality 40");
    b.max_bytes = 1000;
    res.len = 1500;
    ib_budget_reason_lossless(&b, &res, "png", reason, sizeof(reason));
    CHECK_STR(reason, "cannot fit in 1000 bytes: 1500 bytes (png has no "
                      "quality to lower)");
    printf("%d searches where -q did not fit: %.2f encodings each\n", searches,
           (double)total_encodes / searches);
    CHECK_DONE();
}
