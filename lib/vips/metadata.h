/* SPDX-License-Identifier: MIT */
/* What an output keeps of its input's metadata (--keep-metadata=LIST),
 * decided field by field on the image libvips is about to save. */
#ifndef IMGBATCH_VIPS_METADATA_H
#define IMGBATCH_VIPS_METADATA_H

#include <vips/vips.h>

#include "imgbatch/settings.h"

/* Applies rendition r's metadata policy to img for its saver: takes img's
 * reference and returns one to the image to save (NULL with a libvips
 * error), and sets *strip when the saver must drop everything. */
VipsImage *ib_metadata_apply(const struct ib_settings *s,
                             const struct ib_rendition *r, VipsImage *img,
                             int *strip);

/* img without its metadata, for a saver that writes it whatever strip
 * says: takes img's reference and returns one to a copy of its header
 * that has none (the fields an animation needs kept), or NULL with a
 * libvips error. libvips 8.14.1's WebP saver is one: it never sets its
 * own strip field from the argument, and wrote the input's EXIF, GPS
 * position included, XMP and ICC profile into every WebP output. */
VipsImage *ib_metadata_strip(VipsImage *img);

/* Gives img a copy of its own of every blob of its metadata. libvips
 * 8.14's HEIF loader hangs the blobs it reads (EXIF, XMP, the ICC
 * profile) on memory its load operation owns and frees with it, which a
 * copy of the image (in memory, or another image's fields) outlives:
 * call it while the image they came from is alive. */
void ib_metadata_own_blobs(VipsImage *img);

/* The capture date EXIF gives img (DateTimeOriginal, else
 * DateTimeDigitized, else DateTime; with its OffsetTime, else in local
 * time), in ns since the epoch: 0 when it has none. */
long long ib_metadata_capture_ns(VipsImage *img);

#endif
