/* SPDX-License-Identifier: MIT */
/* vips_resize pipelines kept for the worker's life, one per input
 * geometry. Building a vips_resize costs more than running it on a small
 * image: libvips 8.14's reducev compiles its SIMD code with orc for every
 * new operation (about a sixth of a worker's time on 640-pixel JPEGs,
 * measured with perf), and computes its masks with sin(). A batch's files
 * come in a few sizes (a camera's two orientations, a website's widths),
 * so the pipeline for a size is built once and fed each image of that
 * size in turn: the pixels go into the memory its input image wraps. Each
 * run computes through a new region, and so from the new pixels; the
 * pipeline is also told they changed (vips_image_invalidate_all, libvips'
 * contract for pixels written in place). The pipeline is the one vips_resize
 * builds for these arguments, so the pixels are the same;
 * tests/cli/jpeg_path.sh compares them with libvips' for images of one size in
 * one worker. */
#ifndef IMGBATCH_RESIZECACHE_H
#define IMGBATCH_RESIZECACHE_H

#include <vips/vips.h>

#include "jpegio.h"

struct ib_resize_cache;

struct ib_resize_cache *ib_resize_cache_new(void);
void ib_resize_cache_free(struct ib_resize_cache *c);

/* An 8-bit image (grey or sRGB) over px's memory, not copied: px must
 * outlive it. */
VipsImage *ib_pixels_wrap(const struct ib_pixels *px);

/* As ib_pixels_wrap, for a pipeline computed once, top to bottom
 * (strips.h). Marked sequential (VIPS_META_SEQUENTIAL), as a loader marks
 * its image: libvips then puts line caches behind its box shrinks and
 * reduces, without which a vertical shrink ahead of a reduce computes its
 * rows over and over (vips_resize of a 20 MP image by 7.5: 0.50 s against
 * 0.11 s). Requests out of order (a rotation, a crop) are still served,
 * from the caches or computed again. Not for the cached pipelines: their
 * images are small (a third of a megapixel at most), and their caches
 * would hold the last file's lines. */
VipsImage *ib_pixels_wrap_once(const struct ib_pixels *px);

/* vips_resize of the 8-bit image px by 1/hshrink across and 1/vshrink
 * down. Through the cache (c may be NULL) when it takes px's size: its
 * pipeline's input then holds a copy of px, and the result (a new
 * reference to the cached output) is valid until the next call. Else
 * through a new pipeline over px's memory, which must outlive the result.
 * NULL when libvips fails (vips_error says why). */
VipsImage *ib_resize_pixels(struct ib_resize_cache *c,
                            const struct ib_pixels *px, double hshrink,
                            double vshrink);
#endif
