/* SPDX-License-Identifier: MIT */
/* Embedded profile to sRGB for 8-bit RGB pixels, with the transform built
 * once per profile and kept for the worker's life. libvips'
 * vips_icc_transform builds a new lcms transform for every image, which
 * costs more than decoding a small tagged JPEG (about 3.5 ms here), while a
 * batch usually carries the same few profiles (the sRGB variants of a
 * camera or an editor) again and again. The transform is the one libvips
 * builds for these arguments, so the pixels are the same;
 * tests/cli/jpeg_path.sh compares them. */
#ifndef IMGBATCH_SRGB_H
#define IMGBATCH_SRGB_H
#include <stddef.h>

struct ib_srgb_cache;

/* NULL when libvips has no built-in sRGB profile to convert to. */
struct ib_srgb_cache *ib_srgb_cache_new(void);
void ib_srgb_cache_free(struct ib_srgb_cache *c);

/* Converts n packed RGB pixels from the profile (icc, len) to sRGB with the
 * rendering intent (VipsIntent, whose values are lcms'), from in to out
 * (which may not overlap). -1 for a profile libvips would not use as it
 * stands (corrupt, not RGB, or without that intent): libvips' own
 * transform, with its fallbacks and warnings, must then do it. */
int ib_srgb_convert(struct ib_srgb_cache *c, const unsigned char *icc,
                    size_t len, int intent, const unsigned char *in,
                    unsigned char *out, size_t n);
#endif
