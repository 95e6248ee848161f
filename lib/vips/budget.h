/* SPDX-License-Identifier: MIT */
/* --max-bytes: the highest quality whose encoding fits a size budget,
 * searched over encodings of pixels already made (never decoded again).
 * No libvips here: the caller encodes (libvips' savers, or libjpeg on the
 * direct JPEG path). */
#ifndef IMGBATCH_VIPS_BUDGET_H
#define IMGBATCH_VIPS_BUDGET_H

#include <stddef.h>

/* Encodes at quality into *bytes (malloc'd) and *len. 0, or -1 (the
 * caller keeps the reason). */
typedef int (*ib_encode_at_fn)(void *ctx, int quality, unsigned char **bytes,
                               size_t *len);

struct ib_budget {
    long long max_bytes;
    int min_quality, max_quality; /* --min-quality, -q */
};

struct ib_budget_result {
    int quality;          /* chosen; when nothing fits, min_quality */
    int encodes;          /* how many encodings the search made */
    unsigned char *bytes; /* the chosen encoding (malloc'd), NULL if none */
    size_t len;           /* its size; when nothing fits, min_quality's */
};

enum ib_budget_end { IB_BUDGET_FITS, IB_BUDGET_TOO_BIG, IB_BUDGET_FAILED };

/* Searches from max_quality down: max_quality when it fits, else the
 * quality the sizes seen predict (log-size is close to linear in quality),
 * narrowed until the highest that fits is next to the lowest that does
 * not. Assumes size grows with quality. */
enum ib_budget_end ib_budget_search(const struct ib_budget *b,
                                    ib_encode_at_fn encode, void *ctx,
                                    struct ib_budget_result *res);

/* "cannot fit in 200 KiB: 243 KiB at quality 40", from a TOO_BIG result. */
void ib_budget_reason(const struct ib_budget *b,
                      const struct ib_budget_result *res, char *buf,
                      size_t len);

/* "cannot fit in 200 KiB: 243 KiB (png has no quality to lower)". */
void ib_budget_reason_lossless(const struct ib_budget *b,
                               const struct ib_budget_result *res,
                               const char *format, char *buf, size_t len);

#endif
