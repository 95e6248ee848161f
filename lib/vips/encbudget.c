/* SPDX-License-Identifier: MIT */
/* --max-bytes through libvips' savers (encbudget.h). */
#include "encbudget.h"

#include <stdio.h>
#include <stdlib.h>

#include "budget.h"
#include "imgbatch/format.h"

struct attempt {
    const struct ib_settings *s;
    const struct ib_rendition *r;
    struct ib_vips *v;
    VipsImage *img;
    int format;
    char *error;
    size_t error_len;
};

static int encode_at(void *ctx, int quality, unsigned char **bytes, size_t *len)
{
    struct attempt *a = ctx;
    struct ib_rendition at = *a->r;
    at.quality = quality;
    struct ib_payload pl = {NULL, a->format, NULL, 0};
    if (ib_encode_to_memory(a->s, &at, a->v, a->img, a->format, &pl, a->error,
                            a->error_len) != 0)
        return -1;
    *bytes = pl.bytes;
    *len = pl.len;
    return 0;
}

int ib_encode_within_budget(const struct ib_settings *s,
                            const struct ib_rendition *r, struct ib_vips *v,
                            VipsImage *img, int format, struct ib_payload *pl,
                            struct ib_budget_outcome *bo, char *error,
                            size_t error_len)
{
    struct attempt a = {s, r, v, img, format, error, error_len};
    int lossy = ib_format_is_lossy(format);
    /* Without a quality to lower there is one encoding to try. */
    struct ib_budget b = {r->max_bytes, lossy ? r->min_quality : r->quality,
                          r->quality};
    struct ib_budget_result res;
    enum ib_budget_end end = ib_budget_search(&b, encode_at, &a, &res);
    bo->quality = lossy ? res.quality : 0;
    bo->encodes = res.encodes;
    if (end == IB_BUDGET_FAILED)
        return -1;
    if (end == IB_BUDGET_TOO_BIG) {
        if (lossy)
            ib_budget_reason(&b, &res, error, error_len);
        else
            ib_budget_reason_lossless(&b, &res, ib_format_name(format), error,
                                      error_len);
        return -1;
    }
    *pl = (struct ib_payload){NULL, format, res.bytes, res.len};
    return 0;
}
