/* SPDX-License-Identifier: MIT */
/* vips_resize split in two (splitresize.h). The steps and their order are
 * vips_resize_build's in libvips 8.14 (resample/resize.c) for a reduce
 * with the default kernel and gap: the scales clamped to keep a pixel,
 * vips_reducev when the height shrinks, then vips_reduceh. */
#include "splitresize.h"

#include "reduceh.h"
#include "jpeg/resizecache.h"
#include "strips.h"

/* The vertical half: libvips' own, or px itself when the height stays. */
static VipsImage *reduce_down(const struct ib_pixels *px, double vscale)
{
    VipsImage *in = ib_pixels_wrap_once(px);
    if (!in || !(vscale < 1.0))
        return in;
    VipsImage *out = NULL;
    int rc = vips_reducev(in, &out, 1.0 / vscale, "kernel",
                          VIPS_KERNEL_LANCZOS3, "gap", 2.0, NULL);
    g_object_unref(in);
    return rc == 0 ? out : NULL;
}

/* A w x h image of in's kind, in memory of its own. */
static VipsImage *new_like(VipsImage *in, int w, int h)
{
    VipsImage *out = vips_image_new_memory();
    vips_image_init_fields(out, w, h, in->Bands, VIPS_FORMAT_UCHAR,
                           VIPS_CODING_NONE, in->Type, in->Xres, in->Yres);
    if (vips_image_write_prepare(out) != 0) {
        g_object_unref(out);
        return NULL;
    }
    return out;
}

struct across {
    struct ib_reduceh *r;
    VipsImage *out;
};

static void reduce_row(const VipsPel *row, int y, void *a)
{
    struct across *across = a;
    ib_reduceh_row(across->r, row, VIPS_IMAGE_ADDR(across->out, 0, y));
}

/* The horizontal half, computed on this thread as the direct path
 * computes a whole vips_resize (strips.h): libvips' reducev is asked for
 * the same regions either way. */
static int reduce_across(VipsImage *down, struct ib_reduceh *r, VipsImage *out)
{
    struct across across = {r, out};
    return ib_strips_compute(down, reduce_row, &across);
}

VipsImage *ib_split_resize(const struct ib_pixels *px, double hshrink,
                           double vshrink, int *declined)
{
    double hscale = 1.0 / hshrink, vscale = 1.0 / vshrink;
    hscale = VIPS_MAX(hscale, 1.0 / px->width);
    vscale = VIPS_MAX(vscale, 1.0 / px->height);
    struct ib_reduceh r;
    *declined = 1;
    if (!(hscale < 1.0) || vscale > 1.0 ||
        ib_reduceh_init(&r, px->width, px->bands, 1.0 / hscale) != 0)
        return NULL;
    *declined = 0;
    VipsImage *down = reduce_down(px, vscale), *out = NULL;
    if (down && (out = new_like(down, r.out_width, down->Ysize)) &&
        reduce_across(down, &r, out) != 0)
        VIPS_UNREF(out);
    if (down)
        g_object_unref(down);
    ib_reduceh_free(&r);
    return out;
}
