/* SPDX-License-Identifier: MIT */
/* Tolerance model. Both images are decoded and brought to one form (8-bit
 * sRGB through their embedded profiles, if any, with an alpha channel,
 * opaque where the file had none, premultiplied so that the colour under a
 * transparent pixel, which nobody sees, does not count), then three
 * figures are measured on the per-channel absolute difference:
 *
 *   max-diff  the largest difference of any channel of any pixel: catches a
 *             single wrong pixel in a flat area;
 *   psnr      over all channels: catches a general loss (recompression at a
 *             low quality, a different resampler);
 *   fraction  of pixels with any channel differing by more than `fuzz`:
 *             catches a shift, a swap or a rotation even when each change is
 *             small.
 *
 * The defaults sit between two measured populations (README, "Tolerance"):
 * libvips' vector and non-vector paths, after JPEG or lossy WebP encoding,
 * differ by at most 34 levels, a PSNR of at least 36.0 dB and at most 1.03%
 * of pixels beyond 16 levels; a one-pixel shift, swapped channels, a flip
 * or recompression at quality 20 give at most 30.5 dB, or at least 52
 * levels, or at least 5% of pixels. */
#define _POSIX_C_SOURCE 200809L
#include "compare.h"
#include "svgsniff.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <vips/vips.h>

static void vips_reason(char *err, size_t len, const char *path)
{
    const char *text = vips_error_buffer();
    snprintf(err, len, "cannot read '%s': %.*s", path, (int)strcspn(text, "\n"),
             text);
    vips_error_clear();
}

/* Replaces *img by out when rc says the operation worked; 0 or -1. */
static int replace(VipsImage **img, int rc, VipsImage **out)
{
    if (rc != 0)
        return -1;
    g_object_unref(*img);
    *img = *out;
    *out = NULL;
    return 0;
}

static int to_srgba(VipsImage **img)
{
    VipsImage *out = NULL;
    /* An embedded profile says what the numbers mean: compare what the
     * images look like, in sRGB. */
    if (vips_image_get_typeof(*img, VIPS_META_ICC_NAME) &&
        replace(img,
                vips_icc_transform(*img, &out, "srgb", "embedded", TRUE,
                                   "depth", 8, NULL),
                &out))
        return -1;
    if (((*img)->Type != VIPS_INTERPRETATION_sRGB ||
         (*img)->BandFmt != VIPS_FORMAT_UCHAR) &&
        replace(img,
                vips_colourspace(*img, &out, VIPS_INTERPRETATION_sRGB, NULL),
                &out))
        return -1;
    if ((*img)->BandFmt != VIPS_FORMAT_UCHAR &&
        replace(img, vips_cast_uchar(*img, &out, NULL), &out))
        return -1;
    if ((*img)->Bands == 3 &&
        replace(img, vips_bandjoin_const1(*img, &out, 255, NULL), &out))
        return -1;
    if ((*img)->Bands != 4) {
        vips_error("compare", "unexpected %d bands", (*img)->Bands);
        return -1;
    }
    if (replace(img, vips_premultiply(*img, &out, NULL), &out) ||
        replace(img, vips_cast_uchar(*img, &out, NULL), &out))
        return -1;
    out = vips_image_copy_memory(*img);
    return replace(img, out ? 0 : -1, &out);
}

/* Decodes a file (opened here: names with '[' stay names) into 8-bit sRGBA
 * in memory. */
static VipsImage *load(const char *path, char *err, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, len, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    VipsSource *src = vips_source_new_from_descriptor(fd);
    /* libvips' SVG check would never end on some gzip'd files
     * (svgsniff.h). */
    if (src && ib_svg_sniff_source(src) >= IB_SVG_LOOPS) {
        vips_error(NULL, "damaged gzip data (not an image)");
        VIPS_UNREF(src);
    } else if (src && !vips_foreign_find_load_source(src)) {
        snprintf(err, len,
                 "cannot read '%s': not an image format imgbatch "
                 "can read",
                 path);
        vips_error_clear();
        g_object_unref(src);
        close(fd);
        return NULL;
    }
    VipsImage *img = src ? vips_image_new_from_source(src, "", NULL) : NULL;
    if (img && to_srgba(&img) != 0)
        VIPS_UNREF(img);
    if (src)
        g_object_unref(src);
    close(fd);
    if (!img)
        vips_reason(err, len, path);
    return img;
}

static int measure(VipsImage *a, VipsImage *b, const struct ib_tolerance *t,
                   struct ib_comparison *c)
{
    VipsImage *diff = NULL, *absdiff = NULL, *sq = NULL, *over = NULL,
              *any = NULL;
    double max = 0, mse = 0, frac = 0;
    int rc = -1;
    if (vips_subtract(a, b, &diff, NULL) || vips_abs(diff, &absdiff, NULL) ||
        vips_max(absdiff, &max, "x", &c->max_x, "y", &c->max_y, NULL) ||
        vips_multiply(diff, diff, &sq, NULL) || vips_avg(sq, &mse, NULL) ||
        vips_relational_const1(absdiff, &over, VIPS_OPERATION_RELATIONAL_MORE,
                               t->fuzz, NULL) ||
        vips_bandbool(over, &any, VIPS_OPERATION_BOOLEAN_OR, NULL) ||
        vips_avg(any, &frac, NULL))
        goto out;
    c->max_diff = (int)max;
    c->psnr = mse > 0 ? 10.0 * log10(255.0 * 255.0 / mse) : IB_PSNR_IDENTICAL;
    c->fraction = frac / 255.0;
    rc = 0;
out:
    VIPS_UNREF(diff);
    VIPS_UNREF(absdiff);
    VIPS_UNREF(sq);
    VIPS_UNREF(over);
    VIPS_UNREF(any);
    return rc;
}

int ib_compare_files(const char *expected, const char *actual,
                     const struct ib_tolerance *t, struct ib_comparison *c,
                     char *err, size_t err_len)
{
    memset(c, 0, sizeof(*c));
    VipsImage *a = load(expected, err, err_len);
    if (!a)
        return -1;
    VipsImage *b = load(actual, err, err_len);
    if (!b) {
        g_object_unref(a);
        return -1;
    }
    c->expected_w = a->Xsize;
    c->expected_h = a->Ysize;
    c->actual_w = b->Xsize;
    c->actual_h = b->Ysize;
    c->same_size = a->Xsize == b->Xsize && a->Ysize == b->Ysize;
    int rc = 0;
    if (c->same_size && measure(a, b, t, c) != 0) {
        vips_reason(err, err_len, actual);
        rc = -1;
    }
    g_object_unref(a);
    g_object_unref(b);
    if (rc == 0)
        ib_comparison_judge(t, c);
    return rc;
}

/* ---- pictures of a mismatch --------------------------------------------- */

static int save_png(VipsImage *img, const char *path)
{
    VipsTarget *t = vips_target_new_to_file(path); /* no option parsing */
    if (!t)
        return -1;
    int rc = vips_pngsave_target(img, t, NULL);
    g_object_unref(t);
    return rc;
}

/* One image as it was compared (sRGB, its alpha kept), for the page. */
static int save_as_compared(VipsImage *premultiplied, const char *path)
{
    VipsImage *ctx = vips_image_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(VIPS_OBJECT(ctx), 2);
    int rc = vips_unpremultiply(premultiplied, &t[0], NULL) ||
             vips_cast_uchar(t[0], &t[1], NULL) || save_png(t[1], path);
    g_object_unref(ctx);
    return rc;
}

/* The heat map's colour for each difference (a pixel's largest channel
 * difference): pale yellow up to --fuzz, then orange, red and at 255 a
 * dark magenta, so that the eye finds the worst first. */
static VipsImage *heat_lut(int fuzz)
{
    static const unsigned char pale[3] = {255, 236, 150};
    static const double ramp[3][3] = {
        {255, 160, 0}, {230, 0, 0}, {120, 0, 120}};
    unsigned char lut[256][3];
    for (int d = 0; d < 256; d++) {
        double t = d <= fuzz ? 0 : (d - fuzz) / (double)(255 - fuzz);
        int k = t < 0.5 ? 0 : 1;
        double f = t < 0.5 ? t * 2 : t * 2 - 1;
        for (int c = 0; c < 3; c++)
            lut[d][c] =
                d <= fuzz
                    ? pale[c]
                    : (unsigned char)(ramp[k][c] +
                                      f * (ramp[k + 1][c] - ramp[k][c]) + 0.5);
    }
    return vips_image_new_from_memory_copy(lut, sizeof(lut), 256, 1, 3,
                                           VIPS_FORMAT_UCHAR);
}

/* The largest difference of any channel, per pixel, as uchar. */
static int largest_difference(VipsImage *a, VipsImage *b, VipsImage *ctx,
                              VipsImage **out)
{
    VipsImage **t = (VipsImage **)vips_object_local_array(VIPS_OBJECT(ctx), 7);
    if (vips_subtract(a, b, &t[0], NULL) || vips_abs(t[0], &t[1], NULL))
        return -1;
    for (int i = 0; i < 4; i++)
        if (vips_extract_band(t[1], &t[2 + i], i, NULL))
            return -1;
    return vips_bandrank(&t[2], &t[6], 4, "index", 3, NULL) ||
           vips_cast_uchar(t[6], out, NULL);
}

/* A ring around the largest difference, in a blue the heat map never
 * uses: where to look first, even when the picture is scaled down. */
static void ring(VipsImage *img, int x, int y)
{
    double blue[3] = {0, 102, 255};
    int side = VIPS_MIN(img->Xsize, img->Ysize);
    int radius = VIPS_MAX(4, side / 10), thick = VIPS_MAX(1, side / 100);
    for (int r = radius; r < radius + thick; r++)
        vips_draw_circle(img, blue, 3, x, y, r, NULL);
}

/* Differences as a heat map (heat_lut) over a faded copy of the expected
 * image where nothing differs, the largest ringed. In memory, drawn on. */
static VipsImage *diff_picture(VipsImage *a, VipsImage *b, int fuzz,
                               const struct ib_comparison *c)
{
    VipsImage *ctx = vips_image_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(VIPS_OBJECT(ctx), 7);
    VipsImage *out = NULL;
    if (!largest_difference(a, b, ctx, &t[0]) && (t[1] = heat_lut(fuzz)) &&
        !vips_maplut(t[0], &t[2], t[1], NULL) &&
        !vips_extract_band(a, &t[3], 0, "n", 3, NULL) &&
        !vips_linear1(t[3], &t[4], 0.3, 178, "uchar", TRUE, NULL) &&
        !vips_relational_const1(t[0], &t[5], VIPS_OPERATION_RELATIONAL_MORE, 0,
                                NULL) &&
        !vips_ifthenelse(t[5], t[2], t[4], &t[6], NULL))
        out = vips_image_copy_memory(t[6]);
    g_object_unref(ctx);
    if (out)
        ring(out, c->max_x, c->max_y);
    return out;
}

static VipsImage *side_by_side(VipsImage *a, VipsImage *b, VipsImage *diff)
{
    VipsImage *ab = NULL, *out = NULL, *a3 = NULL, *b3 = NULL;
    double white[1] = {255};
    VipsArrayDouble *bg = vips_array_double_new(white, 1);
    if (!vips_extract_band(a, &a3, 0, "n", 3, NULL) &&
        !vips_extract_band(b, &b3, 0, "n", 3, NULL) &&
        !vips_join(a3, b3, &ab, VIPS_DIRECTION_HORIZONTAL, "shim", 4,
                   "background", bg, "expand", TRUE, NULL)) {
        if (diff)
            vips_join(ab, diff, &out, VIPS_DIRECTION_HORIZONTAL, "shim", 4,
                      "background", bg, "expand", TRUE, NULL);
        else
            out = g_object_ref(ab);
    }
    vips_area_unref(VIPS_AREA(bg));
    VIPS_UNREF(a3);
    VIPS_UNREF(b3);
    VIPS_UNREF(ab);
    return out;
}

static int write_all(VipsImage *a, VipsImage *b, const struct ib_tolerance *t,
                     const struct ib_comparison *c,
                     const struct ib_pictures *to)
{
    if (save_as_compared(a, to->expected) || save_as_compared(b, to->actual))
        return -1;
    VipsImage *diff = c->same_size ? diff_picture(a, b, t->fuzz, c) : NULL;
    VipsImage *sbs = side_by_side(a, b, diff);
    int rc = (c->same_size && (!diff || save_png(diff, to->diff))) || !sbs ||
                     save_png(sbs, to->sbs)
                 ? -1
                 : 0;
    VIPS_UNREF(diff);
    VIPS_UNREF(sbs);
    return rc;
}

int ib_compare_write_pictures(const char *expected, const char *actual,
                              const struct ib_tolerance *t,
                              const struct ib_comparison *c,
                              const struct ib_pictures *to, char *err,
                              size_t err_len)
{
    VipsImage *a = load(expected, err, err_len);
    VipsImage *b = a ? load(actual, err, err_len) : NULL;
    if (!b) {
        VIPS_UNREF(a);
        return -1;
    }
    int rc = write_all(a, b, t, c, to);
    if (rc)
        vips_reason(err, err_len, to->sbs);
    g_object_unref(a);
    g_object_unref(b);
    return rc;
}

int ib_compare_write_picture(const char *image, const char *png, char *err,
                             size_t err_len)
{
    VipsImage *img = load(image, err, err_len);
    if (!img)
        return -1;
    int rc = save_as_compared(img, png);
    if (rc)
        vips_reason(err, err_len, png);
    g_object_unref(img);
    return rc;
}
