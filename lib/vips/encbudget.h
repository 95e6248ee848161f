/* SPDX-License-Identifier: MIT */
/* An output encoded into memory under --max-bytes with libvips' savers:
 * the size search of budget.h over one image already in memory. */
#ifndef IMGBATCH_VIPS_ENCBUDGET_H
#define IMGBATCH_VIPS_ENCBUDGET_H

#include <stddef.h>
#include <vips/vips.h>

#include "imgbatch/settings.h"
#include "startup.h"
#include "write.h"

/* What the search chose. */
struct ib_budget_outcome {
    int quality; /* 0 for a format without one */
    int encodes;
};

/* Encodes img (in memory: it is encoded several times) into pl as r's
 * format at the highest quality from r->quality down to r->min_quality
 * that fits in r->max_bytes; a format without a quality is encoded once.
 * 0, or -1 with the reason in error ("cannot fit in 200 KiB: 243 KiB at
 * quality 40", or the encoder's). */
int ib_encode_within_budget(const struct ib_settings *s,
                            const struct ib_rendition *r, struct ib_vips *v,
                            VipsImage *img, int format, struct ib_payload *pl,
                            struct ib_budget_outcome *bo, char *error,
                            size_t error_len);

#endif
