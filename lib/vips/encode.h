/* SPDX-License-Identifier: MIT */
/* The output side of a worker: fitting a thumbnail to its output format
 * (alpha, colour space, metadata) and encoding it. Worker-side only (it
 * includes libvips through the implementation). */
#ifndef IMGBATCH_ENCODE_H
#define IMGBATCH_ENCODE_H

#include "imgbatch/settings.h"

typedef struct _VipsImage VipsImage;
typedef struct _VipsTarget VipsTarget;

/* One step of a pipeline: unrefs in and returns *out when rc (the step's
 * return code) says it worked, NULL otherwise. out is a pointer so that a
 * call like ib_image_replace(in, vips_copy(in, &out), &out) reads it after
 * the step has set it. */
VipsImage *ib_image_replace(VipsImage *in, int rc, VipsImage **out);

/* A grey image exported to sRGB (three equal bands, and its alpha) made
 * one band again (and its alpha): the sRGB tone curve, in grey. Takes
 * img's reference; returns a new one, or NULL with a libvips error set. */
VipsImage *ib_srgb_to_grey(VipsImage *img);

/* Prepares img for format: flattens alpha onto the rendition's background
 * where the format has none, and brings colour spaces the format cannot
 * hold to sRGB. Takes img's reference; returns a new one, or NULL with a
 * libvips error set. */
VipsImage *ib_prepare_for_format(const struct ib_rendition *r, VipsImage *img,
                                 int format);

/* Encodes img into target with the rendition's quality, encoder options
 * and metadata policy (default: drop EXIF, XMP, IPTC, comments; keep a
 * colour profile only when the pixels are not sRGB, which the colour
 * settings say). 0, or -1 with a libvips error set. */
int ib_encode(const struct ib_settings *s, const struct ib_rendition *r,
              VipsImage *img, int format, VipsTarget *target);

#endif
