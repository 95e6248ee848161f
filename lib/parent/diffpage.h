/* SPDX-License-Identifier: MIT */
/* --diff-dir's index.html: every mismatch with its figures and pictures,
 * so a person looks instead of reads. */
#ifndef IMGBATCH_DIFFPAGE_H
#define IMGBATCH_DIFFPAGE_H

#include <stddef.h>

struct ib_diff_item {
    const char *input;
    const char *golden;
    const char *figures;
    const char *base; /* <diff dir>/<rel>: pictures are base.{diff,sbs}.png */
};

/* Writes dir/index.html atomically. 0, or -1 with errno. */
int ib_diff_page_write(const char *dir, const struct ib_diff_item *items,
                       size_t n);

#endif
