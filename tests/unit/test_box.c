/* SPDX-License-Identifier: MIT */
/* The direct PNG path's box (pngbox.h, rowbox.h) against libvips' own:
 * for PNGs of every colour type it takes, odd sizes and several factors,
 * the box-shrunk decode must equal what libvips' resize does first, pixel
 * for pixel:
 * vips_shrinkv then vips_shrinkh with "ceil" on the image libvips'
 * loader decodes (no alpha), or, with alpha, the same box on the
 * premultiplied image, unpremultiplied (within 1: libvips rounds once at
 * the end, in floats). What the path does not take (interlaced or 16-bit
 * PNG) and damaged files are declined. */
#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

#include "check.h"
#include "png/pngbox.h"

/* A test picture: smooth gradients, noise and hard edges. */
static VipsImage *picture(int w, int h, int bands)
{
    VipsImage *xyz = NULL, *noise = NULL, *sum = NULL, *out = NULL;
    VipsImage *bandsv[4];
    vips_xyz(&xyz, w, h, NULL);
    vips_gaussnoise(&noise, w, h, "sigma", 40.0, "mean", 128.0, NULL);
    VipsImage *x = NULL, *y = NULL, *edge = NULL;
    vips_extract_band(xyz, &x, 0, NULL);
    vips_extract_band(xyz, &y, 1, NULL);
    vips_more_const1(x, &edge, w / 3.0, NULL); /* 0 or 255 */
    for (int b = 0; b < bands; b++) {
        VipsImage *t = NULL, *u = NULL;
        double slope = (0.3 + 0.2 * b) * 255.0 / (b % 2 ? h : w);
        vips_linear1(b % 2 ? y : x, &t, slope, 0, NULL);
        vips_add(t, b == 1 ? noise : edge, &u, NULL);
        bandsv[b] = u;
        g_object_unref(t);
    }
    vips_bandjoin(bandsv, &sum, bands, NULL);
    for (int b = 0; b < bands; b++)
        g_object_unref(bandsv[b]);
    vips_cast_uchar(sum, &out, NULL);
    g_object_unref(sum);
    g_object_unref(xyz);
    g_object_unref(noise);
    g_object_unref(x);
    g_object_unref(y);
    g_object_unref(edge);
    VipsImage *typed = NULL;
    vips_copy(out, &typed, "interpretation",
              bands < 3 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB,
              NULL);
    g_object_unref(out);
    return typed;
}

/* libvips' box of in by kh, kv, as its resize does it. */
static VipsImage *libvips_box(VipsImage *in, int kh, int kv)
{
    VipsImage *v = NULL, *h = NULL;
    if (vips_shrinkv(in, &v, kv, "ceil", TRUE, NULL) ||
        vips_shrinkh(v, &h, kh, "ceil", TRUE, NULL))
        return NULL;
    g_object_unref(v);
    return h;
}

/* The same with alpha: premultiplied, boxed, unpremultiplied, rounded. */
static VipsImage *libvips_alpha_box(VipsImage *in, int kh, int kv)
{
    VipsImage *pre = NULL, *boxed = NULL, *un = NULL, *out = NULL;
    if (vips_premultiply(in, &pre, NULL))
        return NULL;
    boxed = libvips_box(pre, kh, kv);
    g_object_unref(pre);
    if (!boxed || vips_unpremultiply(boxed, &un, NULL))
        return NULL;
    g_object_unref(boxed);
    VipsImage *r = NULL;
    vips_rint(un, &r, NULL);
    vips_cast_uchar(r, &out, NULL);
    g_object_unref(un);
    g_object_unref(r);
    return out;
}

/* The largest difference of any sample, or -1 when sizes differ. */
static double max_diff(VipsImage *a, VipsImage *b)
{
    if (a->Xsize != b->Xsize || a->Ysize != b->Ysize || a->Bands != b->Bands)
        return -1;
    VipsImage *d = NULL, *abs = NULL;
    double m = -1;
    if (vips_subtract(a, b, &d, NULL) == 0 && vips_abs(d, &abs, NULL) == 0)
        vips_max(abs, &m, NULL);
    if (d)
        g_object_unref(d);
    if (abs)
        g_object_unref(abs);
    return m;
}

static void check_box(const char *what, const char *suffix, VipsImage *img,
                      const char *options, int kh, int kv, double tolerance)
{
    void *png = NULL;
    size_t len = 0;
    char saver[64];
    snprintf(saver, sizeof(saver), "%s%s", suffix, options);
    if (vips_image_write_to_buffer(img, saver, &png, &len, NULL) != 0) {
        fprintf(stderr, "%s: cannot make the PNG: %s\n", what,
                vips_error_buffer());
        CHECK(0);
        return;
    }
    VipsImage *decoded = vips_image_new_from_buffer(png, len, "", NULL);
    VipsImage *boxed = ib_png_box_load_buffer(png, len, kh, kv);
    CHECK(decoded != NULL);
    CHECK(boxed != NULL);
    if (decoded && boxed) {
        VipsImage *want = vips_image_hasalpha(decoded)
                              ? libvips_alpha_box(decoded, kh, kv)
                              : libvips_box(decoded, kh, kv);
        double d = want ? max_diff(boxed, want) : -1;
        if (d < 0 || d > tolerance)
            fprintf(stderr, "%s by %d,%d: max-diff %g (%dx%dx%d, want %dx%d)\n",
                    what, kh, kv, d, boxed->Xsize, boxed->Ysize, boxed->Bands,
                    want ? want->Xsize : 0, want ? want->Ysize : 0);
        CHECK(d >= 0 && d <= tolerance);
        CHECK(boxed->Type == decoded->Type);
        if (want)
            g_object_unref(want);
    }
    if (boxed)
        g_object_unref(boxed);
    if (decoded)
        g_object_unref(decoded);
    g_free(png);
}

static void declined(const char *what, const char *suffix, VipsImage *img,
                     const char *options)
{
    void *png = NULL;
    size_t len = 0;
    char saver[64];
    snprintf(saver, sizeof(saver), "%s%s", suffix, options);
    CHECK(vips_image_write_to_buffer(img, saver, &png, &len, NULL) == 0);
    VipsImage *boxed = ib_png_box_load_buffer(png, len, 3, 3);
    if (boxed)
        fprintf(stderr, "%s: taken, should be declined\n", what);
    CHECK(boxed == NULL);
    /* Damaged: cut short, and a byte of the image data changed. */
    if (len > 200)
        CHECK(ib_png_box_load_buffer(png, len / 2, 3, 3) == NULL);
    if (boxed)
        g_object_unref(boxed);
    g_free(png);
}

int main(int argc, char **argv)
{
    (void)argc;
    if (VIPS_INIT(argv[0]))
        return 1;
    static const int sizes[][2] = {{301, 203}, {64, 64}, {17, 250}};
    static const int factors[][2] = {{2, 2}, {3, 3}, {5, 4}, {7, 7}};
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        int w = sizes[s][0], h = sizes[s][1];
        VipsImage *rgb = picture(w, h, 3), *grey = picture(w, h, 1);
        VipsImage *rgba = picture(w, h, 4), *ga = picture(w, h, 2);
        for (size_t f = 0; f < sizeof(factors) / sizeof(factors[0]); f++) {
            int kh = factors[f][0], kv = factors[f][1];
            check_box("rgb", ".png", rgb, "", kh, kv, 0);
            check_box("grey", ".png", grey, "", kh, kv, 0);
            check_box("palette", ".png", rgb, "[palette]", kh, kv, 0);
            check_box("grey 2-bit", ".png", grey, "[bitdepth=2]", kh, kv, 0);
            check_box("rgba", ".png", rgba, "", kh, kv, 1);
            check_box("grey+alpha", ".png", ga, "", kh, kv, 1);
            check_box("palette+tRNS", ".png", rgba, "[palette]", kh, kv, 1);
        }
        declined("interlaced", ".png", rgb, "[interlace]");
        VipsImage *rgb16 = NULL;
        vips_colourspace(rgb, &rgb16, VIPS_INTERPRETATION_RGB16, NULL);
        declined("16-bit", ".png", rgb16, "");
        g_object_unref(rgb16);
        g_object_unref(rgb);
        g_object_unref(grey);
        g_object_unref(rgba);
        g_object_unref(ga);
    }
    /* Not a PNG at all. */
    CHECK(ib_png_box_load_buffer("GIF89a", 6, 2, 2) == NULL);
    vips_shutdown();
    return check_failures != 0;
}
