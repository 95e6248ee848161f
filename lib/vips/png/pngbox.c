/* SPDX-License-Identifier: MIT */
/* A PNG box-shrunk as it is decoded (pngbox.h).
 *
 * libvips 8.14's resize with its default gap of 2 shrinks by the integer
 * part first: vips_shrinkv by kv = floor(H / h / 2), then (after the
 * vertical residual) vips_shrinkh by kh, each with "ceil" (the last block
 * filled by copying the edge) and each rounding to uchar:
 * (sum + k/2) / k. The same arithmetic here, in the same order (down,
 * then across), on each band of block rows as libpng hands them over. */
#define _XOPEN_SOURCE 700
#include "pngbox.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where libpng reads from: a file (pread, so that the libvips source on
 * the same descriptor keeps its position) or memory. */
struct reader {
    int fd;
    const unsigned char *data;
    size_t len;
    size_t pos;
};

static void read_bytes(png_structp png, png_bytep out, size_t n)
{
    struct reader *r = png_get_io_ptr(png);
    if (r->data) {
        if (n > r->len - r->pos)
            png_error(png, "truncated");
        memcpy(out, r->data + r->pos, n);
        r->pos += n;
        return;
    }
    while (n > 0) {
        ssize_t got = pread(r->fd, out, n, (off_t)r->pos);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            png_error(png, "truncated");
        out += got;
        n -= (size_t)got;
        r->pos += (size_t)got;
    }
}

/* Any error ends the attempt (libvips then reads the file and says why);
 * warnings change nothing, as under libvips' fail_on=error. */
static void on_error(png_structp png, png_const_charp message)
{
    (void)message;
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message)
{
    (void)png;
    (void)message;
}

/* Rows a block may sum in 32 bits: 255 x 255 x MAX_KV < 2^32. */
#define MAX_KV 66000

/* The shrink in progress. */
struct box {
    int w, h, bands, kh, kv;
    int ow, oh;
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

static void box_free(struct box *b)
{
    free(b->row);
    free(b->sums);
    free(b->vrow);
    free(b->pixels);
}

static int box_alloc(struct box *b)
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

static void add_row(struct box *b, uint32_t times)
{
    if (!b->alpha) {
        for (size_t i = 0; i < b->stride; i++)
            b->sums[i] += b->row[i] * times;
        return;
    }
    size_t bands = (size_t)b->bands;
    for (size_t i = 0; i < b->stride; i += bands) {
        uint32_t a = b->row[i + bands - 1];
        for (size_t c = 0; c + 1 < bands; c++)
            b->sums[i + c] += b->row[i + c] * a * times;
        b->sums[i + bands - 1] += a * times;
    }
}

static unsigned char rounded(uint64_t sum, uint64_t n)
{
    return (unsigned char)((sum + n / 2) / n);
}

/* With alpha: the block's premultiplied sums across, then the mean alpha
 * and the colours unpremultiplied, rounded once (libvips' thumbnail
 * shrinks premultiplied floats and rounds only at the end). */
static void emit_alpha_row(struct box *b, int y)
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
static void emit_row(struct box *b, int y)
{
    if (b->alpha) {
        emit_alpha_row(b, y);
        return;
    }
    uint32_t kv = (uint32_t)b->kv, kh = (uint32_t)b->kh;
    for (size_t i = 0; i < b->stride; i++) {
        b->vrow[i] = rounded(b->sums[i], kv);
        b->sums[i] = 0;
    }
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

/* What the path takes: 8 bits or fewer, not interlaced (libpng would
 * need the whole image), no EXIF (its orientation would turn the
 * image). The transforms make what libvips' loader makes: palettes as
 * RGB, low-bit grey scaled to 8 bits, tRNS as an alpha band. */
static int take(png_structp png, png_infop info, int *bands, int *alpha)
{
    png_uint_32 w, h;
    int depth, type, interlace;
    png_get_IHDR(png, info, &w, &h, &depth, &type, &interlace, NULL, NULL);
    if (depth > 8 || interlace != PNG_INTERLACE_NONE ||
        png_get_valid(png, info, PNG_INFO_eXIf))
        return 0;
    int trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    *alpha = (type & PNG_COLOR_MASK_ALPHA) || trns;
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (trns)
        png_set_tRNS_to_alpha(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    *bands = (type & PNG_COLOR_MASK_COLOR ? 3 : 1) + *alpha;
    return 1;
}

/* The metadata libvips' PNG loader sets that a default output keeps:
 * the interpretation, the resolution (72 dpi unless pHYs says), the
 * ICC profile. */
static void set_metadata(png_structp png, png_infop info, VipsImage *img)
{
    png_uint_32 res_x = (png_uint_32)(72.0 / 2.54 * 100.0), res_y = res_x;
    int unit = PNG_RESOLUTION_METER;
    png_get_pHYs(png, info, &res_x, &res_y, &unit);
    img->Xres = unit == PNG_RESOLUTION_METER ? res_x / 1000.0 : res_x;
    img->Yres = unit == PNG_RESOLUTION_METER ? res_y / 1000.0 : res_y;
    img->Type =
        img->Bands < 3 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
    png_charp name;
    int compression;
    png_bytep profile;
    png_uint_32 len;
    if (png_get_iCCP(png, info, &name, &compression, &profile, &len) && len > 0)
        vips_image_set_blob_copy(img, VIPS_META_ICC_NAME, profile, len);
}

/* The rows, shrunk as they come. libpng's errors jump back here, so
 * nothing that must survive one lives in automatic storage. */
static VipsImage *decode(png_structp png, png_infop info, struct box *b)
{
    if (setjmp(png_jmpbuf(png)))
        return NULL;
    png_read_info(png, info);
    if (!take(png, info, &b->bands, &b->alpha))
        return NULL;
    png_read_update_info(png, info);
    b->w = (int)png_get_image_width(png, info);
    b->h = (int)png_get_image_height(png, info);
    if (png_get_rowbytes(png, info) != (size_t)b->w * (size_t)b->bands ||
        box_alloc(b) != 0)
        return NULL;
    for (int y = 0; y < b->h; y++) {
        png_read_row(png, b->row, NULL);
        int filled = y % b->kv + 1;
        add_row(b, 1);
        if (y == b->h - 1 && filled < b->kv)
            add_row(b, (uint32_t)(b->kv - filled));
        if (filled == b->kv || y == b->h - 1)
            emit_row(b, y / b->kv);
    }
    VipsImage *img = vips_image_new_from_memory_copy(
        b->pixels, (size_t)b->ow * b->oh * b->bands, b->ow, b->oh, b->bands,
        VIPS_FORMAT_UCHAR);
    if (img)
        set_metadata(png, info, img);
    return img;
}

static VipsImage *load(struct reader *r, int kh, int kv)
{
    if (kh < 1 || kv < 1 || kv > MAX_KV)
        return NULL;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL,
                                             on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return NULL;
    }
    /* As libvips' loader: broken sRGB profiles and Adler-32 checksums are
     * not errors; its limit on the axes. */
    png_set_option(png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);
    png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
    png_set_user_limits(png, VIPS_MAX_COORD, VIPS_MAX_COORD);
    png_set_chunk_malloc_max(png, 50 * 1024 * 1024);
    png_set_read_fn(png, r, read_bytes);
    struct box b = {0};
    b.kh = kh;
    b.kv = kv;
    VipsImage *img = decode(png, info, &b);
    box_free(&b);
    png_destroy_read_struct(&png, &info, NULL);
    return img;
}

VipsImage *ib_png_box_load(int fd, int kh, int kv)
{
    struct reader r = {fd, NULL, 0, 0};
    return load(&r, kh, kv);
}

VipsImage *ib_png_box_load_buffer(const void *data, size_t len, int kh, int kv)
{
    struct reader r = {-1, data, len, 0};
    return load(&r, kh, kv);
}
