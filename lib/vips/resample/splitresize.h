/* SPDX-License-Identifier: MIT */
/* vips_resize of 8-bit pixels in memory, its two halves split: the
 * vertical reduce by libvips (vectorised by orc in 8.14), the horizontal
 * one by reduceh.c, a strip of rows at a time, into an image in memory.
 * The same pixels as vips_resize's (the arithmetic is libvips', see
 * reduceh.h); faster where the horizontal reduce is the cost: a photo
 * decoded at 1/2 or 1/4 of its size and reduced by 2 to 4. */
#ifndef IMGBATCH_SPLITRESIZE_H
#define IMGBATCH_SPLITRESIZE_H

#include <vips/vips.h>

#include "jpeg/jpegio.h"

/* vips_resize(px, 1 / hshrink, "vscale", 1 / vshrink) in a new image that
 * owns its memory. NULL with *declined set when the split does not take
 * the resize (an enlargement on either axis, no reduce across, a reduce
 * libvips boxes first, more than 4 bands): vips_resize is then the way.
 * NULL with *declined clear when libvips or malloc failed (vips_error
 * says why when libvips did). */
VipsImage *ib_split_resize(const struct ib_pixels *px, double hshrink,
                           double vshrink, int *declined);

#endif
