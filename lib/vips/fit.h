/* SPDX-License-Identifier: MIT */
/* A rendition's fit (sharp's names, settings.h) on top of libvips'
 * thumbnail: thumbnail makes inside, fill and outside itself, and cover
 * too when the crop is centred or smart (attention, entropy), exactly as
 * --crop always has; ib_fit_finish crops a covering image at any other
 * point, and pads a contained one to exactly the box. */
#ifndef IMGBATCH_VIPS_FIT_H
#define IMGBATCH_VIPS_FIT_H

#include <vips/vips.h>

#include "imgbatch/settings.h"

/* What to ask of thumbnail for r, on an image that shows display_w x
 * display_h once upright: *t, and its crop (VIPS_INTERESTING_NONE when
 * thumbnail is not to crop). */
void ib_fit_target(const struct ib_rendition *r, int display_w, int display_h,
                   struct ib_target *t, VipsInteresting *crop);

/* The rest of r's fit on thumbnail's output img, for an output in format
 * (the padding is transparent where the format has alpha and no
 * --background was given). Takes img's reference; returns a new one, or
 * NULL with a libvips error. */
VipsImage *ib_fit_finish(const struct ib_rendition *r, int format,
                         VipsImage *img);

#endif
