/* SPDX-License-Identifier: MIT */
/* --diff-dir's index.html: every reason a golden run failed (mismatches
 * with their figures and pictures, missing goldens with the output that
 * would become one, orphans), so a person looks instead of reads. */
#ifndef IMGBATCH_DIFFPAGE_H
#define IMGBATCH_DIFFPAGE_H

#include <stddef.h>
#include <stdint.h>

#include "imgbatch/tolerance.h"

/* A mismatch or a missing golden. */
struct ib_diff_item {
    const char *input;
    const char *golden;
    const char *output;
    const char *figures; /* a mismatch's */
    int limit;           /* enum ib_limit: the one a mismatch failed */
    uint32_t excess;     /* ib_output_outcome's golden_excess */
    int w, h;            /* the output's size */
    const char *base;    /* <diff dir>/<rel>: pictures are base.<kind>.png */
};

struct ib_diff_page {
    const char *dir;
    const struct ib_tolerance *tolerance;
    const size_t *verdicts; /* how many outputs, by enum ib_golden */
    int update;             /* --update-golden: orphans were removed */
    const struct ib_diff_item *mismatches; /* each list in the page's order */
    size_t nmismatches;
    const struct ib_diff_item *missing;
    size_t nmissing;
    const char *const *orphans;
    size_t norphans;
    const char *orphans_unsought; /* why they were not looked for, or NULL */
};

/* Writes dir/index.html atomically. 0, or -1 with errno. */
int ib_diff_page_write(const struct ib_diff_page *p);

#endif
