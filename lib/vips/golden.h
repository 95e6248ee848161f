/* SPDX-License-Identifier: MIT */
/* --golden and --update-golden, in the worker: an output just written is
 * compared with its golden by decoded pixels (compare.h), or becomes it. */
#ifndef IMGBATCH_GOLDEN_H
#define IMGBATCH_GOLDEN_H

#include <stddef.h>

#include "imgbatch/proto.h"
#include "imgbatch/settings.h"

/* Compares output, just written, with golden (or, under --update-golden,
 * makes it the golden): *verdict (enum ib_golden) and the figures, in
 * text and as numbers. On a mismatch, with pictures set, writes
 * pictures.diff.png and .sbs.png. 0, or -1 with why in text when the
 * golden cannot be read or written. */
int ib_golden_check(const struct ib_settings *s, const char *output,
                    const char *golden, const char *pictures, int *verdict,
                    struct ib_golden_figures *figures, char *text,
                    size_t text_len);

#endif
