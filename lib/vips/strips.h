/* SPDX-License-Identifier: MIT */
/* An image computed on the calling thread, a strip of rows at a time.
 * vips_image_write_to_memory and vips_sink_disc compute on libvips' thread
 * pool, whose hand-offs cost more than the work for the images the direct
 * JPEG path resizes; and each stage of a pipeline asked for a strip holds
 * a strip, not a whole intermediate image. The strips are the same for
 * every caller, so a pipeline computed here in parts (the split resize:
 * libvips' vertical reduce, then ours) is asked for the same regions as
 * when computed here whole. */
#ifndef IMGBATCH_STRIPS_H
#define IMGBATCH_STRIPS_H

#include <vips/vips.h>

/* Called with each row of the image, top to bottom. */
typedef void ib_row_fn(const VipsPel *row, int y, void *arg);

/* Computes img here, handing each row to row(). 0, or -1 with a libvips
 * error. */
int ib_strips_compute(VipsImage *img, ib_row_fn *row, void *arg);

#endif
