/* SPDX-License-Identifier: MIT */
/* vips_resize split in two (splitresize.h). The steps and their order are
 * vips_resize_build's in libvips 8.14 (resample/resize.c) for a reduce
 * with the default kernel and gap: the scales clamped to keep a pixel,
 * vips_reducev when the height shrinks, then vips_reduceh. */
#include "splitresize.h"

#include "reduceh.h"
#include "jpeg/resizecache.h"

/* Rows of the vertical reduce computed at a time: the strips compute_here
 * in jpegpath.c asks a whole vips_resize pipeline for, so libvips' reducev
 * is asked for the same regions either way. */
#define STRIP_ROWS 64

/* The vertical half: libvips' own, or px itself when the height stays. */
static VipsImage *reduce_down(const struct ib_pixels *px, double vscale)
{
    VipsImage *in = ib_pixels_wrap(px);
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

/* The horizontal half, a strip of down's rows at a time into out. */
static int reduce_across(VipsImage *down, struct ib_reduceh *r, VipsImage *out)
{
    VipsRegion *region = vips_region_new(down);
    VipsRect all = {0, 0, down->Xsize, down->Ysize};
    int rc = 0;
    for (int top = 0; rc == 0 && top < down->Ysize; top += STRIP_ROWS) {
        VipsRect strip = {0, top, down->Xsize, STRIP_ROWS};
        vips_rect_intersectrect(&strip, &all, &strip);
        rc = vips_region_prepare(region, &strip);
        for (int y = top; rc == 0 && y < top + strip.height; y++)
            ib_reduceh_row(r, VIPS_REGION_ADDR(region, 0, y),
                           VIPS_IMAGE_ADDR(out, 0, y));
    }
    g_object_unref(region);
    return rc;
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
