/* SPDX-License-Identifier: MIT */
/* PNG row filters and the choice between them (pngfilter.h).
 *
 * Each filter is a loop of its own, and the sum a loop of its own, so
 * that the compiler can vectorise them: the filtering costs a tenth of
 * the compression that follows. */
#include "pngfilter.h"

#include <stdlib.h>
#include <string.h>

/* The PNG spec's Paeth predictor: whichever of left a, up b and
 * upper-left c is closest to a + b - c. */
static unsigned char paeth(int a, int b, int c)
{
    int pa = abs(b - c);
    int pb = abs(a - c);
    int pc = abs(a + b - 2 * c);
    return (unsigned char)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/* The five filters; up is the row above, all zero for the first row
 * (the spec's rule), and bytes left of the row are zero too. */
static void filter_none(const unsigned char *row, const unsigned char *up,
                        size_t len, size_t bpp, unsigned char *out)
{
    (void)up;
    (void)bpp;
    memcpy(out, row, len);
}

static void filter_sub(const unsigned char *row, const unsigned char *up,
                       size_t len, size_t bpp, unsigned char *out)
{
    (void)up;
    memcpy(out, row, bpp);
    for (size_t i = bpp; i < len; i++)
        out[i] = (unsigned char)(row[i] - row[i - bpp]);
}

static void filter_up(const unsigned char *row, const unsigned char *up,
                      size_t len, size_t bpp, unsigned char *out)
{
    (void)bpp;
    for (size_t i = 0; i < len; i++)
        out[i] = (unsigned char)(row[i] - up[i]);
}

static void filter_average(const unsigned char *row, const unsigned char *up,
                           size_t len, size_t bpp, unsigned char *out)
{
    for (size_t i = 0; i < bpp; i++)
        out[i] = (unsigned char)(row[i] - up[i] / 2);
    for (size_t i = bpp; i < len; i++)
        out[i] = (unsigned char)(row[i] - (row[i - bpp] + up[i]) / 2);
}

static void filter_paeth(const unsigned char *row, const unsigned char *up,
                         size_t len, size_t bpp, unsigned char *out)
{
    for (size_t i = 0; i < bpp; i++)
        out[i] = (unsigned char)(row[i] - up[i]); /* paeth(0, b, 0) is b */
    for (size_t i = bpp; i < len; i++)
        out[i] =
            (unsigned char)(row[i] - paeth(row[i - bpp], up[i], up[i - bpp]));
}

typedef void filter_fn(const unsigned char *, const unsigned char *, size_t,
                       size_t, unsigned char *);

static filter_fn *const filters[IB_PNG_FILTERS] = {
    filter_none, filter_sub, filter_up, filter_average, filter_paeth};

/* How far the bytes, read as signed, are from zero (a byte of 200 is
 * -56, 56 from zero). */
static size_t magnitude(const unsigned char *bytes, size_t len)
{
    size_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += (size_t)abs((signed char)bytes[i]);
    return sum;
}

int ib_png_filter_row(const unsigned char *row, const unsigned char *prev,
                      size_t len, size_t bpp, unsigned char *scratch,
                      unsigned char *out)
{
    /* The first row's "up" is zero; scratch's last slot holds it. */
    const unsigned char *up = prev;
    if (!up) {
        memset(scratch + (IB_PNG_FILTERS - 1) * len, 0, len);
        up = scratch + (IB_PNG_FILTERS - 1) * len;
    }
    int best = 0;
    size_t best_sum = (size_t)-1;
    for (int t = 0; t < IB_PNG_FILTERS && best_sum > 0; t++) {
        /* Each candidate goes to out, and the best so far is kept in a
         * scratch slot of its own, so nothing is copied twice. */
        unsigned char *dst = scratch + (size_t)t * len;
        if (!prev && t == IB_PNG_FILTERS - 1)
            break; /* the first row's Paeth is sub, already tried */
        filters[t](row, up, len, bpp, dst);
        size_t sum = magnitude(dst, len);
        if (sum < best_sum) {
            best = t;
            best_sum = sum;
        }
    }
    out[0] = (unsigned char)best;
    memcpy(out + 1, scratch + (size_t)best * len, len);
    return best;
}
