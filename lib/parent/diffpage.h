/* SPDX-License-Identifier: MIT */
/* --diff-dir's index.html: every mismatch with its figures and pictures,
 * so a person looks instead of reads. */
#ifndef IMGBATCH_DIFFPAGE_H
#define IMGBATCH_DIFFPAGE_H

#include <stddef.h>
#include <stdint.h>

#include "imgbatch/tolerance.h"

struct ib_diff_item {
    const char *input;
    const char *golden;
    const char *output;
    const char *figures;
    int limit;        /* enum ib_limit: the one it failed */
    uint32_t excess;  /* ib_output_outcome's golden_excess */
    int w, h;         /* the output's size */
    const char *base; /* <diff dir>/<rel>: pictures are base.<kind>.png */
};

struct ib_diff_page {
    const char *dir;
    const struct ib_tolerance *tolerance;
    size_t matches;
    const struct ib_diff_item *mismatches; /* in the page's order */
    size_t nmismatches;
};

/* Writes dir/index.html atomically. 0, or -1 with errno. */
int ib_diff_page_write(const struct ib_diff_page *p);

#endif
