/* SPDX-License-Identifier: MIT */
/* The box path's colour handling through the worker's cached transforms.
 *
 * By default libvips' thumbnail converts a tagged image to sRGB through
 * its embedded profile after the resize, and builds a new lcms transform
 * for every image to do it: 6% of the CPU of the bench's PNGs made
 * 100x100, where 11 of the 41 carry a profile (perf: building the inverse
 * tone curves). The box path instead takes the profile off the boxed
 * image, so that thumbnail leaves the colours as they are, and converts
 * each thumbnail it makes with the transform the worker keeps for that
 * profile (jpeg/srgb.h: the one libvips would build). The transform is
 * per pixel, and comes after the resize as it would in thumbnail, so the
 * pixels are thumbnail's own (tests/cli/png_path.sh compares them with
 * IMGBATCH_CACHED_SRGB=0, which turns this off). It takes 8-bit RGB with or
 * without alpha under the default colour handling, and profiles the cache
 * takes; libvips does the rest. */
#ifndef IMGBATCH_BOXCOLOUR_H
#define IMGBATCH_BOXCOLOUR_H

#include <vips/vips.h>

#include "imgbatch/settings.h"
#include "jpeg/srgb.h"
#include "plan.h"

struct ib_box_colour {
    struct ib_srgb_cache *cache;
    VipsBlob *icc; /* the profile taken off the base */
    int intent;
};

/* Takes the profile off *base (replaced) and the sRGB export off *p when
 * the cache can do the conversion: 1, with c set (ib_box_colour_clear
 * lets it go). 0 when libvips' thumbnail should, with nothing changed. */
int ib_box_colour_take(struct ib_srgb_cache *cache, const struct ib_settings *s,
                       VipsImage **base, struct ib_plan *p,
                       struct ib_box_colour *c);

/* A thumbnail of the base, in memory of its own (vips_image_copy_memory),
 * converted to sRGB in place. 0, or -1 with a libvips error. */
int ib_box_colour_apply(const struct ib_box_colour *c, VipsImage *img);

void ib_box_colour_clear(struct ib_box_colour *c);

#endif
