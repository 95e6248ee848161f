/* SPDX-License-Identifier: MIT */
/* The box a decoder's rows are shrunk by as they come (rowbox.h).
 *
 * libvips 8.14's resize with its default gap of 2 shrinks by the integer
 * part first: vips_shrinkv by kv, then (after the vertical residual)
 * vips_shrinkh by kh, each with "ceil" (the last block filled by copying
 * the edge) and each rounding to uchar: (sum + k/2) / k. The same
 * arithmetic here, in the same order (down, then across); with alpha, on
 * premultiplied values, rounded once at the end, as libvips' thumbnail
 * shrinks premultiplied floats. */
#include "rowbox.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Rows a block may sum in 32 bits: 255 x 255 x MAX_KV < 2^32. */
#define MAX_KV 66000

struct ib_rowbox {
    int w, h, bands, kh, kv;
    int ow, oh;
    int y;         /* rows pushed so far */
    int alpha;     /* the last band is alpha */
    size_t stride; /* of a decoded row: w * bands */
    unsigned char *row;
    /* The block's rows summed, per sample; with alpha, the colours
     * premultiplied (colour x alpha), as libvips' thumbnail shrinks.
     * 32 bits hold kv rows of 255 x 255 (MAX_KV). */
    uint32_t *sums;
    unsigned char *vrow;   /* their rounded average */
    unsigned char *pixels; /* ow x oh x bands */
};

static int alloc_buffers(struct ib_rowbox *b)
{
    b->stride = (size_t)b->w * (size_t)b->bands;
    b->ow = (b->w + b->kh - 1) / b->kh;
    b->oh = (b->h + b->kv - 1) / b->kv;
    b->row = malloc(b->stride);
    b->sums = calloc(b->stride, sizeof(uint32_t));
    b->vrow = malloc(b->stride);
    b->pixels = malloc((size_t)b->ow * (size_t)b->oh * (size_t)b->bands);
    return b->row && b->sums && b->vrow && b->pixels ? 0 : -1;
}

/* The colours of n pixels of bands samples (the last alpha) times their
 * alpha, and the alpha, added to sums. bands is a constant where inlined,
 * so that the compiler unrolls a pixel and vectorises the loop. */
static inline void add_premultiplied(uint32_t *sums, const unsigned char *row,
                                     size_t n, int bands, uint32_t times)
{
    if (times != 1) { /* the last row, counted for the rows past it */
        for (size_t i = 0; i < n; i++, sums += bands, row += bands) {
            uint32_t a = row[bands - 1] * times;
            for (int c = 0; c < bands - 1; c++)
                sums[c] += row[c] * a;
            sums[bands - 1] += a;
        }
        return;
    }
    /* A colour times its alpha is at most 255 x 255: 16 bits, which the
     * compiler multiplies eight at a time. */
    for (size_t i = 0; i < n; i++, sums += bands, row += bands) {
        for (int c = 0; c < bands - 1; c++)
            sums[c] += (uint16_t)(row[c] * row[bands - 1]);
        sums[bands - 1] += row[bands - 1];
    }
}

static void add_row(struct ib_rowbox *b, uint32_t times)
{
    if (!b->alpha) {
        for (size_t i = 0; i < b->stride; i++)
            b->sums[i] += b->row[i] * times;
        return;
    }
    size_t n = (size_t)b->w;
    if (b->bands == 4)
        add_premultiplied(b->sums, b->row, n, 4, times);
    else if (b->bands == 2)
        add_premultiplied(b->sums, b->row, n, 2, times);
    else
        add_premultiplied(b->sums, b->row, n, b->bands, times);
}

static unsigned char rounded(uint64_t sum, uint64_t n)
{
    return (unsigned char)((sum + n / 2) / n);
}

/* rounded() for a sum of up to 32 bits, in a double division, which the
 * compiler vectorises (an integer one it does not): the same quotient.
 * The double holds the sum exactly and the division rounds once; a
 * quotient whose fraction is not zero is at least 1/n short of the next
 * integer, far more than that rounding could add, and one whose fraction
 * is zero is exact. */
static inline unsigned char rounded_fast(uint32_t sum, uint32_t n)
{
    return (unsigned char)((double)(sum + n / 2) / (double)n);
}

/* With alpha: the block's premultiplied sums across, then the mean alpha
 * and the colours unpremultiplied, rounded once (libvips' thumbnail
 * shrinks premultiplied floats and rounds only at the end). */
static void emit_alpha_row(struct ib_rowbox *b, int y)
{
    int bands = b->bands;
    uint64_t n = (uint64_t)b->kh * (uint64_t)b->kv;
    unsigned char *q = b->pixels + (size_t)y * b->ow * bands;
    for (int ox = 0; ox < b->ow; ox++) {
        uint64_t sum[4] = {0, 0, 0, 0};
        for (int i = 0; i < b->kh; i++) {
            int x = ox * b->kh + i < b->w ? ox * b->kh + i : b->w - 1;
            for (int c = 0; c < bands; c++)
                sum[c] += b->sums[(size_t)x * bands + c];
        }
        uint64_t a = sum[bands - 1];
        for (int c = 0; c < bands - 1; c++)
            *q++ = a ? rounded(sum[c], a) : 0;
        *q++ = rounded(a, n);
    }
    memset(b->sums, 0, b->stride * sizeof(uint32_t));
}

/* The block's rows done: down (shrinkv), then across (shrinkh) into
 * output row y. */
static void emit_row(struct ib_rowbox *b, int y)
{
    if (b->alpha) {
        emit_alpha_row(b, y);
        return;
    }
    uint32_t kv = (uint32_t)b->kv, kh = (uint32_t)b->kh;
    for (size_t i = 0; i < b->stride; i++)
        b->vrow[i] = rounded_fast(b->sums[i], kv);
    memset(b->sums, 0, b->stride * sizeof(uint32_t));
    int bands = b->bands;
    unsigned char *q = b->pixels + (size_t)y * b->ow * bands;
    const unsigned char *p = b->vrow;
    int whole = b->w / b->kh; /* blocks with no pixel past the edge */
    for (int ox = 0; ox < whole; ox++, p += (size_t)b->kh * bands)
        for (int c = 0; c < bands; c++) {
            uint32_t sum = 0;
            for (int i = 0; i < b->kh; i++)
                sum += p[(size_t)i * bands + c];
            *q++ = rounded(sum, kh);
        }
    /* The last block, filled by copying the edge pixel. */
    for (int ox = whole; ox < b->ow; ox++)
        for (int c = 0; c < bands; c++) {
            uint32_t sum = 0;
            for (int i = 0; i < b->kh; i++) {
                int x = ox * b->kh + i < b->w ? ox * b->kh + i : b->w - 1;
                sum += b->vrow[(size_t)x * bands + c];
            }
            *q++ = rounded(sum, kh);
        }
}

struct ib_rowbox *ib_rowbox_new(int width, int height, int bands, int alpha,
                                int kh, int kv)
{
    if (width < 1 || height < 1 || bands < 1 || bands > 4 || kh < 1 || kv < 1 ||
        kv > MAX_KV || (alpha && bands < 2))
        return NULL;
    struct ib_rowbox *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    *b = (struct ib_rowbox){.w = width,
                            .h = height,
                            .bands = bands,
                            .kh = kh,
                            .kv = kv,
                            .alpha = alpha};
    if (alloc_buffers(b) != 0) {
        ib_rowbox_free(b);
        return NULL;
    }
    return b;
}

void ib_rowbox_free(struct ib_rowbox *b)
{
    if (!b)
        return;
    free(b->row);
    free(b->sums);
    free(b->vrow);
    free(b->pixels);
    free(b);
}

unsigned char *ib_rowbox_row(struct ib_rowbox *b)
{
    return b->row;
}

void ib_rowbox_push(struct ib_rowbox *b)
{
    if (b->y >= b->h)
        return;
    int y = b->y++;
    int filled = y % b->kv + 1;
    add_row(b, 1);
    if (y == b->h - 1 && filled < b->kv)
        add_row(b, (uint32_t)(b->kv - filled));
    if (filled == b->kv || y == b->h - 1)
        emit_row(b, y / b->kv);
}

VipsImage *ib_rowbox_image(const struct ib_rowbox *b)
{
    if (b->y != b->h)
        return NULL;
    VipsImage *img = vips_image_new_from_memory_copy(
        b->pixels, (size_t)b->ow * b->oh * b->bands, b->ow, b->oh, b->bands,
        VIPS_FORMAT_UCHAR);
    if (img)
        img->Type = b->bands - b->alpha < 3 ? VIPS_INTERPRETATION_B_W
                                            : VIPS_INTERPRETATION_sRGB;
    /* Marked as a loader marks its image: each thumbnail of it is computed
     * once, top to bottom, and libvips then caches lines behind its box
     * shrinks and reduces instead of computing them over and over
     * (resizecache.h says how much). */
    if (img)
        vips_image_set_int(img, VIPS_META_SEQUENTIAL, 1);
    return img;
}
