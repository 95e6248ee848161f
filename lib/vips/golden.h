/* SPDX-License-Identifier: MIT */
/* --golden and --update-golden, in the worker: an output just written is
 * compared with its golden by decoded pixels (compare.h), or becomes it. */
#ifndef IMGBATCH_GOLDEN_H
#define IMGBATCH_GOLDEN_H

#include <stddef.h>
#include <stdint.h>

#include "imgbatch/proto.h"
#include "imgbatch/settings.h"

/* How an output compared with its golden. */
struct ib_golden_result {
    int verdict; /* enum ib_golden */
    int limit;   /* enum ib_limit: the one a mismatch (or an update) failed */
    uint32_t excess;                  /* ib_output_outcome's golden_excess */
    struct ib_golden_figures figures; /* the same, as numbers */
};

/* Compares output, just written, with golden (or, under --update-golden,
 * makes it the golden): the verdict and figures in *g, the figures in text too.
 * With pictures set, writes pictures.*.png for a mismatch (compare.h) and
 * pictures.actual.png for a missing golden. 0, or -1 with why in text
 * when the golden cannot be read or written. */
int ib_golden_check(const struct ib_settings *s, const char *output,
                    const char *golden, const char *pictures,
                    struct ib_golden_result *g, char *text, size_t text_len);

#endif
