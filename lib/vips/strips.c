/* SPDX-License-Identifier: MIT */
/* An image computed a strip at a time on this thread (strips.h). */
#include "strips.h"

/* Rows computed at a time. */
#define STRIP_ROWS 64

int ib_strips_compute(VipsImage *img, ib_row_fn *row, void *arg)
{
    VipsRegion *region = vips_region_new(img);
    VipsRect all = {0, 0, img->Xsize, img->Ysize};
    int rc = 0;
    for (int top = 0; rc == 0 && top < img->Ysize; top += STRIP_ROWS) {
        VipsRect strip = {0, top, img->Xsize, STRIP_ROWS};
        vips_rect_intersectrect(&strip, &all, &strip);
        rc = vips_region_prepare(region, &strip);
        for (int y = top; rc == 0 && y < top + strip.height; y++)
            row(VIPS_REGION_ADDR(region, 0, y), y, arg);
    }
    g_object_unref(region);
    return rc;
}
